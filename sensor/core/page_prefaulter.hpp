#pragma once
// Faults in memory the packet thread is about to use, on a thread of its own. First touching a page
// is the dearest memory access there is (a page fault; under a hypervisor it measured 2 ms per MiB
// even in huge pages, most of it the host backing the memory), and the packet thread would pay it
// in the middle of a packet. Requests are served by one background thread, started on first use,
// with MADV_POPULATE_WRITE (Linux 5.14): the pages become resident and writable, their bytes
// untouched, so a request racing the owner's own writes (or the memory's unmapping) is harmless.
#include <cstddef>

namespace spanwatch::core {

// Starts the background thread if it is not running yet. Allocates (once): call it where that is
// fine, when the memory is reserved, so that prefault_async never allocates on a packet path.
void start_prefaulter();

// Asks for [address, address + bytes) to be faulted in. Never blocks and never allocates once the
// thread runs: a request that finds the queue full is dropped, and the owner faults those pages
// itself, as it would without this.
void prefault_async(void* address, std::size_t bytes);

}  // namespace spanwatch::core
