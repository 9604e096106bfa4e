// The rendered page: hostile strings from eve.json escaped everywhere, nothing external, the
// figures the browser test reads present as data attributes.
#include <catch2/catch.hpp>

#include "report/eve_aggregator.hpp"
#include "report/html_report.hpp"
#include "report/html_text.hpp"
#include "eve_lines.hpp"

using namespace spanwatch::report;
using namespace spanwatch::report::test;

namespace {

std::string page(const std::vector<std::string>& lines, ReportOptions options = {}) {
  EveAggregator aggregator(options);
  for (const auto& line : lines) aggregator.add_line(line);
  return render_html(aggregator.finish(), options);
}

const std::string hostile = "<script>alert(1)</script>\\\"'&";

}  // namespace

TEST_CASE("html_escape turns markup characters into references") {
  CHECK(html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(html_escape("tab\tok\x01") == "tab\tok\xEF\xBF\xBD");
}

TEST_CASE("mask_user keeps the first character and the domain") {
  CHECK(mask_user("alice") == "a***");
  CHECK(mask_user("CORP\\alice") == "CORP\\a***");
  CHECK(mask_user("bob@example.test") == "b***@example.test");
  CHECK(mask_user("\xC3\xA9mile") == "\xC3\xA9***");
}

TEST_CASE("a hostile SNI, user and signature are escaped in every section") {
  const std::string tls = header("tls", "09:00:00.000000", 9, "10.0.0.1", 5000, "10.0.0.9", 443) + R"(,"tls":{"sni":")" +
                          hostile + R"(","version":"TLSv1","server_handshake":{"version":"TLSv1","cipher":47}}})";
  const std::string tls_alert = alert("09:00:00.000000", 9, "10.0.0.1", "10.0.0.9", 443, 9100006, 2,
                                      R"("server_name":[")" + hostile + R"("])", "tls",
                                      R"(,"tls":{"sni":")" + hostile + R"(","version":"TLSv1"})");
  const std::string user = header("pop3", "09:00:01.000000", 11, "10.0.0.1", 5000, "10.0.0.9", 110) +
                           R"(,"pop3":{"request":{"command":"USER","args":[")" + hostile + R"("]}}})";
  const std::string pass = header("pop3", "09:00:01.100000", 11, "10.0.0.1", 5000, "10.0.0.9", 110) +
                           R"(,"pop3":{"request":{"command":"PASS","args":["len=3","hmac=1"]},"response":{"status":"-ERR"}}})";
  const std::string pop3_alert = alert("09:00:01.100000", 11, "10.0.0.1", "10.0.0.9", 110, 9100004, 2,
                                       R"("user":[")" + hostile + R"("])", "pop3");
  ReportOptions lab;
  lab.lab_mode = true;  // names in clear: the escaping, not the mask, must make them harmless
  const std::string html = page({tls, tls_alert, user, pass, pop3_alert}, lab);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;/script&gt;&quot;&#39;&amp;") != std::string::npos);  // JSON \" is a quote
}

TEST_CASE("the page loads nothing from elsewhere and has every section") {
  const std::string html = page({alert("09:00:00.000000", 1, "10.0.0.1", "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"),
                                 stats("09:00:02.000000", "", 1000, 10, 2)});
  for (const char* forbidden : {"src=", "href=", "<script", "<link", "@import", "url("})
    CHECK(html.find(forbidden) == std::string::npos);
  for (const char* id : {"id=\"summary\"", "id=\"timeline\"", "id=\"alerts\"", "id=\"tls\"", "id=\"auth\"", "id=\"talkers\""})
    CHECK(html.find(id) != std::string::npos);
  CHECK(html.find("data-metric=\"packets\" data-value=\"1000\"") != std::string::npos);
  CHECK(html.find("data-metric=\"drops\" data-value=\"2\"") != std::string::npos);
  CHECK(html.find("data-sid=\"7\" data-count=\"1\"") != std::string::npos);
}

TEST_CASE("skipped lines are shown on the page") {
  const std::string html = page({"garbage", "{}", stats("09:00:02.000000", "", 1, 1, 0)});
  CHECK(html.find("data-metric=\"skipped-lines\" data-value=\"2\"") != std::string::npos);
  CHECK(html.find("1 lines were not JSON objects and 1 had no event_type or timestamp") != std::string::npos);
}

TEST_CASE("legacy TLS versions are marked in the posture matrix") {
  const std::string tls = header("tls", "09:00:00.000000", 9, "10.0.0.1", 5000, "10.0.0.9", 443) +
                          R"(,"tls":{"sni":"old.test","version":"TLSv1","server_handshake":{"version":"TLSv1","cipher":47}}})";
  const std::string modern = header("tls", "09:00:00.000000", 10, "10.0.0.1", 5001, "10.0.0.8", 443) +
                             R"(,"tls":{"sni":"new.test","version":"TLS 1.3","server_handshake":{"version":"TLS 1.3","cipher":4865}}})";
  const std::string html = page({tls, modern});
  CHECK(html.find("<td class=\"n bad\">1</td>") != std::string::npos);
  CHECK(html.find("<td class=\"n\">1</td>") != std::string::npos);
}
