#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "alert/app_record.hpp"
#include "alert/smb_record.hpp"
#include "smb_eve_records.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb::test;

namespace {

template <class Event>
rapidjson::Document record_of(const Event& event) {
  alert::EveWriter writer;
  writer.begin(alert::eve_event_type(event), core::Timestamp{1476605590, 446897000}, nullptr);
  alert::write_eve_object(writer, event);
  const std::string_view line = writer.end();
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

}  // namespace

TEST_CASE("a session setup record carries command, status, dialect and the NTLMSSP identity") {
  const auto doc = record_of(sample_session_setup());
  CHECK(std::string_view(doc["event_type"].GetString()) == "smb");
  const auto& smb = doc["smb"];
  CHECK(std::string_view(smb["command"].GetString()) == "SMB2_COMMAND_SESSION_SETUP");
  CHECK(std::string_view(smb["status"].GetString()) == "STATUS_LOGON_FAILURE");
  CHECK(std::string_view(smb["status_code"].GetString()) == "0xc000006d");
  CHECK(std::string_view(smb["dialect"].GetString()) == "3.11");
  CHECK(smb["session_id"].GetUint64() == 0x0000740000000015);
  CHECK(std::string_view(smb["ntlmssp"]["user"].GetString()) == "Willi Wireshark");
  CHECK(std::string_view(smb["ntlmssp"]["domain"].GetString()) == "DESKTOP-2AEFM7G");
  CHECK(std::string_view(smb["ntlmssp"]["host"].GetString()) == "DESKTOP-2AEFM7G");
}

TEST_CASE("the NTLMSSP version is written in Suricata's form when the client sent one") {
  const auto doc = record_of(sample_session_setup());
  CHECK(std::string_view(doc["smb"]["ntlmssp"]["version"].GetString()) == "10.0 build 18362 rev 15");
  auto without = sample_session_setup();
  without.ntlmssp_version = {};
  CHECK_FALSE(record_of(without)["smb"]["ntlmssp"].HasMember("version"));
}

TEST_CASE("a session setup that got no response is written without a status") {
  const auto doc = record_of(sample_unanswered_setup());
  const auto& smb = doc["smb"];
  CHECK(std::string_view(smb["command"].GetString()) == "SMB2_COMMAND_SESSION_SETUP");
  CHECK_FALSE(smb.HasMember("status"));
  CHECK_FALSE(smb.HasMember("status_code"));
  CHECK(std::string_view(smb["ntlmssp"]["user"].GetString()) == "Willi Wireshark");
}

TEST_CASE("a Kerberos session setup record lists realm and service name components") {
  const auto doc = record_of(sample_kerberos_setup());
  const auto& kerberos = doc["smb"]["kerberos"];
  CHECK(std::string_view(kerberos["realm"].GetString()) == "DS.EXAMPLE.COM");
  REQUIRE(kerberos["snames"].Size() == 2);
  CHECK(std::string_view(kerberos["snames"][0].GetString()) == "cifs");
  CHECK(std::string_view(kerberos["snames"][1].GetString()) == "fs01.example.com");
  CHECK_FALSE(doc["smb"].HasMember("ntlmssp"));
}

TEST_CASE("SMB1 DOS errors print as Suricata names and their combined code") {
  const auto doc = record_of(sample_smb1_setup());
  CHECK(std::string_view(doc["smb"]["command"].GetString()) == "SMB1_COMMAND_SESSION_SETUP_ANDX");
  CHECK(std::string_view(doc["smb"]["status"].GetString()) == "SRV_BADPW");
  CHECK(std::string_view(doc["smb"]["status_code"].GetString()) == "0x20002");
  CHECK(std::string_view(doc["smb"]["request"]["native_os"].GetString()) == "Unix");
}

TEST_CASE("negotiate and tree connect records") {
  const auto negotiate = record_of(sample_negotiate());
  CHECK(std::string_view(negotiate["smb"]["command"].GetString()) == "SMB2_COMMAND_NEGOTIATE_PROTOCOL");
  REQUIRE(negotiate["smb"]["client_dialects"].Size() == 3);
  CHECK(std::string_view(negotiate["smb"]["client_dialects"][2].GetString()) == "3.11");
  const auto tree = record_of(sample_tree_connect());
  CHECK(std::string_view(tree["smb"]["share"].GetString()) == "\\\\fs01\\IPC$");
  CHECK(std::string_view(tree["smb"]["share_type"].GetString()) == "PIPE");
  CHECK(tree["smb"]["tree_id"].GetUint() == 1);
}
