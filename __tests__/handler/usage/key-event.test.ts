import { keyEventFromLookup, serviceOf } from "../../../handler/usage/key-event";

const TIME = new Date("2026-05-01T10:00:00Z");

describe("keyEventFromLookup", () => {
  it("reads the region, IP and user agent from the CloudTrailEvent record, the rest from the event", () => {
    const event = keyEventFromLookup(
      {
        EventId: "e1",
        EventName: "ListBuckets",
        EventTime: TIME,
        EventSource: "s3.amazonaws.com",
        CloudTrailEvent: JSON.stringify({
          eventTime: "2026-05-01T10:00:00Z",
          eventSource: "s3.amazonaws.com",
          eventName: "ListBuckets",
          awsRegion: "eu-west-1",
          sourceIPAddress: "203.0.113.7",
          userAgent: "aws-cli/2.15.0",
        }),
      },
      "eu-west-1",
    );
    expect(event).toEqual({
      time: TIME,
      service: "s3",
      action: "s3:ListBuckets",
      region: "eu-west-1",
      sourceIp: "203.0.113.7",
      userAgent: "aws-cli/2.15.0",
    });
  });

  it("falls back to the event's own fields and the region it was found in when the record is not JSON", () => {
    const event = keyEventFromLookup(
      { EventName: "GetCallerIdentity", EventTime: TIME, EventSource: "sts.amazonaws.com", CloudTrailEvent: "{trunc" },
      "us-east-1",
    );
    expect(event).toMatchObject({
      service: "sts",
      action: "sts:GetCallerIdentity",
      region: "us-east-1",
      sourceIp: "unknown",
      userAgent: "",
    });
  });

  it("takes the time from the record when the event has none", () => {
    const event = keyEventFromLookup(
      {
        CloudTrailEvent: JSON.stringify({
          eventTime: "2026-05-01T10:00:00Z",
          eventSource: "iam.amazonaws.com",
          eventName: "ListUsers",
        }),
      },
      "us-east-1",
    );
    expect(event.time).toEqual(TIME);
    expect(event.action).toBe("iam:ListUsers");
  });
});

describe("serviceOf", () => {
  it("drops the .amazonaws.com suffix and keeps anything else", () => {
    expect(serviceOf("ec2.amazonaws.com")).toBe("ec2");
    expect(serviceOf("custom")).toBe("custom");
  });
});
