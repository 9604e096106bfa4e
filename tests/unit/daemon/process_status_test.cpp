#include <catch2/catch.hpp>

#include <unistd.h>

#include "daemon/privileges.hpp"

using namespace spanwatch::daemon;

TEST_CASE("a /proc status text gives ids, group count, capability masks and no_new_privs") {
  const char* text =
      "Name:\tspanwatch\n"
      "Umask:\t0027\n"
      "Uid:\t998\t999\t1000\t998\n"
      "Gid:\t997\t996\t995\t997\n"
      "Groups:\t4 27 100 \n"
      "CapInh:\t0000000000000000\n"
      "CapPrm:\t0000000000003000\n"
      "CapEff:\t0000000000002000\n"
      "CapBnd:\t000001ffffffffff\n"
      "CapAmb:\t0000000000003000\n"
      "NoNewPrivs:\t1\n"
      "Seccomp:\t2\n";
  const ProcessCredentials c = parse_process_status(text);
  CHECK(c.uid_real == 998);
  CHECK(c.uid_effective == 999);
  CHECK(c.uid_saved == 1000);
  CHECK(c.gid_real == 997);
  CHECK(c.gid_effective == 996);
  CHECK(c.gid_saved == 995);
  CHECK(c.supplementary_groups == 3);
  CHECK(c.cap_inheritable == 0);
  CHECK(c.cap_permitted == 0x3000);
  CHECK(c.cap_effective == 0x2000);
  CHECK(c.cap_bounding == 0x1ffffffffff);
  CHECK(c.cap_ambient == 0x3000);
  CHECK(c.no_new_privs);
  CHECK(describe(c) == "uid=999 gid=996 groups=3 CapEff=2000 CapPrm=3000 CapBnd=1ffffffffff CapAmb=3000 no_new_privs=1");
}

TEST_CASE("an empty Groups line counts no supplementary group") {
  const ProcessCredentials c = parse_process_status("Groups:\t\nNoNewPrivs:\t0\n");
  CHECK(c.supplementary_groups == 0);
  CHECK_FALSE(c.no_new_privs);
}

TEST_CASE("the running process's credentials match its own ids") {
  const ProcessCredentials c = read_process_credentials();
  CHECK(c.uid_effective == ::geteuid());
  CHECK(c.gid_effective == ::getegid());
  CHECK(c.supplementary_groups == static_cast<std::uint32_t>(::getgroups(0, nullptr)));
}
