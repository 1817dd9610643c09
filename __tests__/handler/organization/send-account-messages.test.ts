import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { DispatchError, sendAccountMessages } from "../../../handler/organization/send-account-messages";

const messages = Array.from({ length: 25 }, (_, i) => ({
  accountId: String(100000000000 + i),
  heartbeat: false,
}));

describe("sendAccountMessages", () => {
  const sqsMock = mockClient(SQSClient);
  afterEach(() => sqsMock.reset());

  it("sends in batches of ten", async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const result = await sendAccountMessages(new SQSClient({}), "q", messages);
    expect(result).toEqual({ sent: 25, calls: 3 });
    const sizes = sqsMock.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes.sort()).toEqual([10, 10, 5]);
  });

  it("retries refused entries, then fails naming the accounts left unsent", async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: "0", Code: "InternalError", SenderFault: false, Message: "try again" }],
    });
    const error = await sendAccountMessages(new SQSClient({}), "q", messages.slice(0, 2), { attempts: 2 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).unsentAccounts).toEqual(["100000000000"]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});
