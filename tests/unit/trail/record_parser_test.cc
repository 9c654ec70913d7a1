// Every shape of record holds the same event; the parser finds it.
#include "vault/trail/record_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace akv::trail {
namespace {

struct Collected {
  std::vector<Event> events;
  RecordCounts counts;
};

Collected Parse(std::string_view text) {
  Collected c;
  RecordParser parser([&](const Event& e) { c.events.push_back(e); });
  parser.Parse(text, c.counts);
  return c;
}

constexpr const char* kBare =
    R"({"eventVersion":1,"eventTime":"2026-11-05T08:02:33Z","eventName":"DescribeInstances","serviceName":"Ecs",)"
    R"("sourceIpAddress":"172.16.1.10","vpcId":"vpc-abc","errorCode":"","requestParameters":{"a":[1,2,{"b":"}"}]},)"
    R"("userIdentity":{"type":"ram-user","userName":"billing-job","accountId":"1","accessKeyId":"LTAI5tA"}})";

void ExpectTheEvent(const Event& e) {
  EXPECT_EQ(e.access_key_id, "LTAI5tA");
  EXPECT_EQ(e.identity_type, "ram-user");
  EXPECT_EQ(e.user_name, "billing-job");
  EXPECT_EQ(e.event_time, "2026-11-05T08:02:33Z");
  EXPECT_EQ(e.event_name, "DescribeInstances");
  EXPECT_EQ(e.service_name, "Ecs");
  EXPECT_EQ(e.source_ip, "172.16.1.10");
  EXPECT_EQ(e.vpc_id, "vpc-abc");
  EXPECT_EQ(e.error_code, "");
}

TEST(RecordParserTest, BareEvent) {
  auto c = Parse(kBare);
  ASSERT_EQ(c.events.size(), 1u);
  ExpectTheEvent(c.events[0]);
  EXPECT_EQ(c.counts.events, 1);
  EXPECT_EQ(c.counts.malformed, 0);
}

TEST(RecordParserTest, LookupEventsPage) {
  auto c = Parse(std::string(R"({"RequestId":"x","NextToken":"t","Events":[)") + kBare + "," + kBare + "]}");
  ASSERT_EQ(c.events.size(), 2u);
  ExpectTheEvent(c.events[1]);
  auto empty = Parse(R"({"RequestId":"x","NextToken":"","Events":[]})");
  EXPECT_TRUE(empty.events.empty());
  EXPECT_EQ(empty.counts.not_event, 0);  // an empty last page is not junk
}

TEST(RecordParserTest, SlsEventAsJsonStringOrObject) {
  std::string escaped;
  for (char c : std::string(kBare)) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  auto s = Parse(R"({"__topic__":"actiontrail_audit_event","__time__":"1","event":")" + escaped + "\"}");
  ASSERT_EQ(s.events.size(), 1u);
  ExpectTheEvent(s.events[0]);
  auto o = Parse(std::string(R"({"__topic__":"actiontrail_event","event":)") + kBare + "}");
  ASSERT_EQ(o.events.size(), 1u);
  ExpectTheEvent(o.events[0]);
}

TEST(RecordParserTest, SlsFlattenedKeys) {
  auto c = Parse(
      R"({"__topic__":"actiontrail_event","event.eventTime":"2026-11-05T08:02:33Z","event.eventName":"DescribeInstances",)"
      R"("event.serviceName":"Ecs","event.sourceIpAddress":"172.16.1.10","event.vpcId":"vpc-abc",)"
      R"("event.userIdentity.accessKeyId":"LTAI5tA","event.userIdentity.type":"ram-user",)"
      R"("event.userIdentity.userName":"billing-job","event.requestParameters.RegionId":"cn-hangzhou"})");
  ASSERT_EQ(c.events.size(), 1u);
  ExpectTheEvent(c.events[0]);
}

TEST(RecordParserTest, EscapesAndNullsAndNumbers) {
  auto c = Parse(R"({"eventTime":"2026-11-05T08:02:33Z","eventName":"A\u0042\"c\\","vpcId":null,"errorCode":5,)"
                 R"("userIdentity":{"userName":"\ud83d\ude00 \u4e2d","accessKeyId":"LTAI5tB"}})");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].event_name, "AB\"c\\");
  EXPECT_EQ(c.events[0].vpc_id, "");
  EXPECT_EQ(c.events[0].error_code, "");
  EXPECT_EQ(c.events[0].user_name, "\xF0\x9F\x98\x80 \xE4\xB8\xAD");
}

TEST(RecordParserTest, EventsWithoutAccessKeyAreEventsToo) {
  auto c = Parse(
      R"({"eventTime":"2026-11-05T08:02:33Z","eventType":"ConsoleSignin","userIdentity":{"type":"root-account"}})");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].access_key_id, "");
  EXPECT_EQ(c.events[0].identity_type, "root-account");
}

TEST(RecordParserTest, JunkIsCountedNotEmitted) {
  // Junk after a complete object: the object is read, the rest counted.
  auto trailing = Parse("{\"eventTime\":\"x\"} trailing");
  EXPECT_EQ(trailing.events.size(), 1u);
  EXPECT_EQ(trailing.counts.malformed, 1);
  for (const char* junk : {"not json", "[1,2]", "{\"eventTime\":", "{\"a\":tru}",
                           "{\"eventName\":\"x\",}", "\"str\"", "{\"eventName\":\"\\x\"}"}) {
    auto c = Parse(junk);
    EXPECT_TRUE(c.events.empty()) << junk;
    EXPECT_EQ(c.counts.malformed, 1) << junk;
  }
  auto other = Parse(R"({"hello":"world"})");
  EXPECT_EQ(other.counts.not_event, 1);
  EXPECT_EQ(Parse("   ").counts.malformed, 0);  // a blank line
}

TEST(RecordParserTest, DeepNestingCostsNoStack) {
  // A million levels under an unknown key: skipped iteratively.
  std::string deep = R"({"eventTime":"2026-11-05T08:02:33Z","x":)" + std::string(1000000, '[') +
                     std::string(1000000, ']') + R"(,"userIdentity":{"accessKeyId":"LTAI5tC"}})";
  auto c = Parse(deep);
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].access_key_id, "LTAI5tC");
  // Wrappers nest at most RecordParser::kMaxWrapping deep; beyond it they are skipped.
  std::string wrapped = kBare;
  for (int i = 0; i < 10; ++i) wrapped = R"({"event":)" + wrapped + "}";
  auto w = Parse(wrapped);
  EXPECT_TRUE(w.events.empty());
  EXPECT_EQ(w.counts.malformed, 0);
  // Unbalanced depth: malformed, no crash.
  EXPECT_EQ(Parse(std::string("{\"x\":") + std::string(100000, '[')).counts.malformed, 1);
}

}  // namespace
}  // namespace akv::trail
