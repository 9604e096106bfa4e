#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <vector>

#include "capture/read_ahead_file.hpp"
#include "capture_test_support.hpp"

using spanwatch::capture::ReadAheadFile;
using spanwatch::capture::test::TempDir;

namespace {

std::vector<char> pattern(std::size_t size) {
  std::vector<char> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
  return bytes;
}

std::string write_file(const TempDir& dir, const std::vector<char>& bytes) {
  const std::string path = dir.file("data.bin");
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

int open_or_fail(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

}  // namespace

TEST_CASE("A file read through the stream comes back byte for byte, ftell follows, and the end is end of file") {
  const std::size_t block = ReadAheadFile::block_bytes;
  // Empty, inside one block, at block edges, and more blocks than the ring holds (it wraps).
  const std::size_t size = GENERATE_COPY(values<std::size_t>({0, 1, 1000, block - 1, block, block + 1,
                                                               ReadAheadFile::block_count * block * 2 + 12345}));
  // A buffer smaller, then larger, than a block: refills come from one block or span several.
  const std::size_t buffer_size = GENERATE_COPY(values<std::size_t>({4096, block * 3 / 2}));
  CAPTURE(size, buffer_size);
  TempDir dir;
  const auto expected = pattern(size);
  ReadAheadFile file(open_or_fail(write_file(dir, expected)));
  std::vector<char> buffer(buffer_size);
  std::FILE* stream = file.open_stream(buffer.data(), buffer.size());
  REQUIRE(stream != nullptr);

  // libpcap's pattern: a 16-byte record header, then the record's bytes.
  std::vector<char> got;
  std::vector<char> chunk(1514);
  for (std::size_t i = 0;; ++i) {
    const std::size_t want = i % 2 == 0 ? 16 : 1 + (i * 37) % chunk.size();
    const std::size_t n = std::fread(chunk.data(), 1, want, stream);
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    REQUIRE(std::ftell(stream) == static_cast<long>(got.size()));
    if (n < want) break;
  }
  CHECK(std::feof(stream) != 0);
  CHECK(std::ferror(stream) == 0);
  CHECK(got == expected);
  std::fclose(stream);
}

TEST_CASE("The stream refuses a real seek, as a pipe does") {
  TempDir dir;
  ReadAheadFile file(open_or_fail(write_file(dir, pattern(5000))));
  std::vector<char> buffer(4096);
  std::FILE* stream = file.open_stream(buffer.data(), buffer.size());
  REQUIRE(stream != nullptr);
  char first[10];
  REQUIRE(std::fread(first, 1, sizeof first, stream) == sizeof first);
  CHECK(std::fseek(stream, 0, SEEK_SET) != 0);
  CHECK(std::ftell(stream) == 10);
  std::fclose(stream);
}

TEST_CASE("A read error reaches the reader of the stream as an error with the system's reason") {
  TempDir dir;
  // read() of a directory fails with EISDIR.
  const int fd = ::open(dir.file("").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  ReadAheadFile file(fd);
  std::vector<char> buffer(4096);
  std::FILE* stream = file.open_stream(buffer.data(), buffer.size());
  REQUIRE(stream != nullptr);
  char byte;
  errno = 0;
  CHECK(std::fread(&byte, 1, 1, stream) == 0);
  CHECK(std::ferror(stream) != 0);
  CHECK(errno == EISDIR);
  std::fclose(stream);
}

TEST_CASE("Closing early stops a reader that is waiting for the consumer") {
  TempDir dir;
  // Far more than the ring holds: the reader fills every block and waits for one to come back.
  const auto bytes = pattern(ReadAheadFile::block_bytes * (ReadAheadFile::block_count + 4));
  const std::string path = write_file(dir, bytes);
  for (int round = 0; round < 20; ++round) {
    ReadAheadFile file(open_or_fail(path));
    std::vector<char> buffer(4096);
    std::FILE* stream = file.open_stream(buffer.data(), buffer.size());
    REQUIRE(stream != nullptr);
    char first[100];
    REQUIRE(std::fread(first, 1, sizeof first, stream) == sizeof first);
    CHECK(std::equal(first, first + sizeof first, bytes.begin()));
    if (round % 2 == 0) ::usleep(2000);  // sometimes the reader has filled the ring by now
    std::fclose(stream);
  }  // each destructor joins the reader: the test ends only if it stopped
}
