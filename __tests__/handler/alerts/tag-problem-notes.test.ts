import { planTagProblemNotes, type TagProblemNote } from "../../../handler/alerts/tag-problem-notes";
import { DAY, NOW } from "../support/inventory-builders";

const typo = { userName: "svc", problems: ['tag key-age:critical-age="30 d" is ignored: …'] };

describe("planTagProblemNotes", () => {
  it("announces a user's tag problems once, and again only when they change or the note expired", () => {
    const first = planTagProblemNotes({ tagProblems: [typo], notes: [], now: NOW });
    expect(first.toAnnounce).toEqual([typo]);
    const [put] = first.onDelivery(["svc"]);
    if (put.type !== "put") throw new Error("expected a put");
    expect(put.note).toMatchObject({ userName: "svc", problems: typo.problems[0], announcedAt: NOW });

    const later = new Date(NOW.getTime() + DAY);
    expect(planTagProblemNotes({ tagProblems: [typo], notes: [put.note], now: later }).toAnnounce).toEqual([]);

    const changed = { userName: "svc", problems: ['tag key-age:critical-age="3O d" is ignored: …'] };
    expect(planTagProblemNotes({ tagProblems: [changed], notes: [put.note], now: later }).toAnnounce).toEqual([
      changed,
    ]);

    const expired: TagProblemNote = { ...put.note, expiresAt: later };
    expect(planTagProblemNotes({ tagProblems: [typo], notes: [expired], now: later }).toAnnounce).toEqual([typo]);
  });

  it("records only the users the message named, and drops the notes of fixed tags silently", () => {
    const other = { userName: "other", problems: ["x"] };
    const plan = planTagProblemNotes({
      tagProblems: [typo, other],
      notes: [{ userName: "fixed", problems: "y", announcedAt: NOW, expiresAt: new Date(NOW.getTime() + DAY) }],
      now: NOW,
    });
    expect(plan.onDelivery(["other"]).map((change) => change.type === "put" && change.note.userName)).toEqual([
      "other",
    ]);
    expect(plan.silentChanges).toEqual([{ type: "delete", userName: "fixed" }]);
  });

  it("keeps the notes of users this run could not check, in any spelling", () => {
    const note = (userName: string): TagProblemNote => ({
      userName,
      problems: "y",
      announcedAt: NOW,
      expiresAt: new Date(NOW.getTime() + DAY),
    });
    const plan = planTagProblemNotes({
      tagProblems: [],
      notes: [note("Unchecked"), note("fixed")],
      now: NOW,
      uncheckedUsers: ["unchecked"],
    });
    expect(plan.silentChanges).toEqual([{ type: "delete", userName: "fixed" }]);
  });
});
