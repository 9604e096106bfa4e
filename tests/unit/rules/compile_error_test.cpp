// Rule files that do not compile are rejected whole with file:line: what is wrong.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "rule_test_support.hpp"
#include "rules/rule_error.hpp"

using namespace spanwatch::rules;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    load_rules_text(yaml, "bad.yaml");
  } catch (const RuleError& e) {
    return e.what();
  }
  return "compiled";
}

}  // namespace

TEST_CASE("compile errors name the file and the line of the offending node") {
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: smb.sesion_setup\n"),
             Catch::StartsWith("bad.yaml:3: unknown event 'smb.sesion_setup'"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: smb.session_setup\n  match:\n    usr: bob\n"),
             Catch::StartsWith("bad.yaml:5: unknown field 'usr' for smb.session_setup") && Catch::Contains("user"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  match:\n    user: {like: bob}\n"),
             Catch::StartsWith("bad.yaml:5: unknown operator 'like'"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  severity: 5\n"), Catch::StartsWith("bad.yaml:4: severity"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  colour: red\n"),
             Catch::StartsWith("bad.yaml:4: unknown rule key 'colour'"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: tls.handshake\n  match:\n    version: {lt: TLS 7}\n"),
             Catch::StartsWith("bad.yaml:5:") && Catch::Contains("not a TLS version"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  match:\n    user: {lt: 3}\n"),
             Catch::StartsWith("bad.yaml:5: less/greater does not apply to user"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.data_channel\n  match:\n    address: $NOWHERE\n"),
             Catch::StartsWith("bad.yaml:5: unknown address group $NOWHERE"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  match:\n    user: {regex: '(('}\n"),
             Catch::Equals("bad.yaml:5: bad regex '((': missing closing parenthesis at offset 2"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  threshold: {count: 99, seconds: 1}\n"),
             Catch::StartsWith("bad.yaml:4: count must be between 1 and 32"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  metadata:\n    who: '{threshold.count}'\n"),
             Catch::StartsWith("bad.yaml:5: metadata 'who'") && Catch::Contains("needs a threshold"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  metadata:\n    who: '{nope(user)}'\n"),
             Catch::Contains("unknown function 'nope'"));
  CHECK_THAT(error_of("- id: 1\n  name: x\n  event: ftp.login\n  match:\n    user: {equals_field: flow.src_ip}\n"),
             Catch::StartsWith("bad.yaml:5: user (a string) cannot be compared with src_ip (an address)"));
}

TEST_CASE("YAML syntax errors, duplicate ids and dangling after: are reported with their line") {
  CHECK_THAT(error_of("- id: 1\n  name: [unclosed\n"), Catch::StartsWith("bad.yaml:"));
  CHECK(error_of("- {id: 1, name: a, event: ftp.login}\n- {id: 1, name: b, event: ftp.login}\n") ==
        "bad.yaml:2: duplicate rule id 1 (first at bad.yaml:1)");
  CHECK(error_of("- id: 2\n  name: a\n  event: ftp.login\n  after: {rule: 5, within: 10}\n") ==
        "bad.yaml:1: after: no rule with id 5");
}

TEST_CASE("the shipped rules compile and check_rules summarises them") {
  const RuleCheck check = check_rules(SPANWATCH_RULES_DIR);
  INFO(check.text);
  REQUIRE(check.ok);
  CHECK_THAT(check.text, Catch::StartsWith("10 rules (10 enabled) from 4 files"));
  for (std::uint32_t id = 9100001; id <= 9100010; ++id) CHECK(spanwatch::rules::testing::shipped_rules()->find(id));
}

TEST_CASE("shipped rules carry the issue's severities: 9100009 above the burst, APOP low") {
  const auto rules = spanwatch::rules::testing::shipped_rules();
  CHECK(rules->find(9100009)->severity < rules->find(9100001)->severity);
  CHECK(rules->find(9100010)->severity == 3);
  for (std::uint32_t id = 9100001; id <= 9100010; ++id) CHECK(rules->find(id)->enabled);
}

TEST_CASE("check_rules reports a broken file as file:line: what is wrong and loads nothing of it") {
  const auto dir = std::filesystem::temp_directory_path() / ("spanwatch-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.yaml") << "- {id: 1, name: fine, event: ftp.login}\n";
  std::ofstream(dir / "b.yaml") << "- {id: 2, name: fine too, event: ftp.login}\n- id: 3\n  name: x\n  event: ftp.login\n"
                                   "  match:\n    user: {regex: 'a(b'}\n";
  const RuleCheck broken = check_rules(dir);
  CHECK_FALSE(broken.ok);
  CHECK_THAT(broken.text, Catch::StartsWith((dir / "b.yaml").string() + ":6: bad regex 'a(b': missing closing parenthesis"));
  CHECK_THROWS_AS(load_rules(dir), RuleError);
  std::filesystem::remove(dir / "b.yaml");
  const RuleCheck fine = check_rules(dir);
  CHECK(fine.ok);
  CHECK(fine.text == "1 rules (1 enabled) from 1 files\n  ftp.login: 1");
  std::filesystem::remove_all(dir);
}
