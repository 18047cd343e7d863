/**
 * The event catalogue's behaviour: lookups by category, the retired and unknown classification and
 * what validation does with each, the "did you mean" suggestion and set normalisation. The list
 * itself is data (lib/shared/events.ts, from the IMS event list); this file does not retype it.
 */
import {
  closestEventType,
  eventTypesInCategory,
  IMS_EVENT_CATEGORIES,
  IMS_EVENT_CATEGORY,
  IMS_EVENT_TYPES,
  isKnownEventType,
  isRetiredEventType,
  normalizeEventTypes,
  RETIRED_EVENT_TYPES,
} from "../../lib/shared/events";
import { validateCallbackInputs } from "../../lib/shared/validation";

/** The problems validation reports for one event list (in an otherwise valid HTTP setting). */
const eventTypeProblems = (eventTypes: string[]) =>
  validateCallbackInputs({
    region: "cn-shanghai",
    callbackType: "HTTP",
    callbackUrl: "https://media.example.com/ims",
    eventTypes,
  }).filter((problem) => problem.property === "eventTypes");

describe("the catalogue's lookups", () => {
  it("puts every event in exactly one category, and each category's events in catalogue order", () => {
    const seen = IMS_EVENT_CATEGORIES.flatMap((category) => {
      const members = eventTypesInCategory(category);
      expect([category, members.length > 0]).toEqual([category, true]);
      for (const name of members) expect(IMS_EVENT_CATEGORY[name]).toBe(category);
      return members;
    });
    // Concatenating the categories in order gives the catalogue itself: it is grouped, no duplicates.
    expect(seen).toEqual([...IMS_EVENT_TYPES]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ["ProduceMediaComplete", "intelligentEditing"],
    ["SnapshotComplete", "mediaProcessing"],
    ["FileUploadComplete", "mediaUpload"],
    ["LiveRecordFileCreated", "liveProcessing"],
  ] as const)("files %s under %s, as the IMS event list does", (name, category) => {
    expect(IMS_EVENT_CATEGORY[name]).toBe(category);
    expect(eventTypesInCategory(category)).toContain(name);
  });

  it("cannot be changed at run time", () => {
    expect(() => {
      (IMS_EVENT_CATEGORY as Record<string, string>).ProduceMediaComplete = "workflow";
    }).toThrow(TypeError);
    expect(() => {
      (RETIRED_EVENT_TYPES as Record<string, string>).MediaConvertComplete = "2020-01-01";
    }).toThrow(TypeError);
    expect(IMS_EVENT_CATEGORY.ProduceMediaComplete).toBe("intelligentEditing");
    expect(isRetiredEventType("MediaConvertComplete")).toBe(false);
  });
});

describe("retired and unknown events", () => {
  it("keeps every retired event in the catalogue (still delivered until its date), with a real date", () => {
    expect(Object.keys(RETIRED_EVENT_TYPES).length).toBeGreaterThan(0);
    for (const [name, date] of Object.entries(RETIRED_EVENT_TYPES)) {
      expect([name, isKnownEventType(name)]).toEqual([name, true]);
      expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
    }
  });

  it.each([
    ["TranscodeComplete", true],
    ["TranscodeParentComplete", true],
    ["MediaConvertComplete", false],
    ["toString", false],
    [undefined, false],
  ])("isRetiredEventType(%p) is %p", (name, expected) => {
    expect(isRetiredEventType(name)).toBe(expected);
  });

  it("validation lets a documented event through without a word", () => {
    expect(eventTypeProblems(["ProduceMediaComplete", "MediaConvertComplete"])).toEqual([]);
  });

  it("validation warns about a retired event, naming its date and successor, and sends it", () => {
    const problems = eventTypeProblems(["TranscodeComplete"]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        reason: expect.stringContaining(
          `"TranscodeComplete" is retired by IMS on ${RETIRED_EVENT_TYPES.TranscodeComplete}`,
        ),
      }),
    ]);
    expect(problems[0].reason).toContain("MediaConvertComplete");
  });

  it("validation warns about an unknown event with the closest documented name, and sends it", () => {
    expect(eventTypeProblems(["ProduceMediaCompleted", "SomethingNew"])).toEqual([
      expect.objectContaining({
        severity: "warning",
        reason: expect.stringContaining('did you mean "ProduceMediaComplete"?'),
      }),
      expect.objectContaining({
        severity: "warning",
        reason: expect.stringMatching(
          /"SomethingNew" is not in the known event catalogue; It is sent/,
        ),
      }),
    ]);
  });
});

describe("isKnownEventType", () => {
  it.each([
    ["ProduceMediaComplete", true],
    ["LiveSnapshotFileCreated", true],
    ["TranscodeComplete", true],
    ["producemediacomplete", false], // case-sensitive
    ["ProduceMediaComplete ", false], // no trimming
    ["", false],
    ["*", false], // no wildcard is documented
    ["constructor", false],
    [42, false],
    [null, false],
  ])("isKnownEventType(%p) is %p", (name, expected) => {
    expect(isKnownEventType(name)).toBe(expected);
  });
});

describe("closestEventType", () => {
  it.each([
    // [input, expected suggestion, what it shows]
    ["ProduceMediaComplete", "ProduceMediaComplete", "exact name"],
    ["producemediacomplete", "ProduceMediaComplete", "case only"],
    ["PRODUCEMEDIACOMPLETE", "ProduceMediaComplete", "case only"],
    ["ProduceMediaCompleted", "ProduceMediaComplete", "one insertion"],
    ["ProduceMediaComplet", "ProduceMediaComplete", "one deletion"],
    ["ProduceMeidaComplete", "ProduceMediaComplete", "one transposition (Damerau)"],
    ["ProduceMediaFinished", undefined, "too far"],
    ["SnapshotCompleet", "SnapshotComplete", "transposition"],
    ["SnapShotComplete", "SnapshotComplete", "case"],
    ["UploadByUrlComplete", "UploadByURLComplete", "case inside"],
    [
      "MediaConvertOutputGroupCompleted",
      "MediaConvertOutputGroupComplete",
      "the longer of two similar names",
    ],
    ["MediaConvertOutputComplet", "MediaConvertOutputComplete", "the shorter of two similar names"],
    ["TranscodeComplete2", "TranscodeComplete", "retired names are suggested too"],
    ["LiveRecordFileCreate", "LiveRecordFileCreated", "live"],
    ["  SnapshotComplete  ", "SnapshotComplete", "surrounding whitespace ignored"],
    ["Complete", undefined, "a fragment is not close"],
    ["Hello", undefined, "unrelated"],
    ["", undefined, "empty"],
    ["   ", undefined, "blank"],
  ])("closestEventType(%p) is %p (%s)", (input, expected, _why) => {
    expect(closestEventType(input)).toBe(expected);
  });

  it("a distance of exactly the limit still counts, one more does not", () => {
    // "SnapshotComplete" has 16 letters: limit max(2, floor(16/4)) = 4.
    expect(closestEventType("SnapshotCompleteXXXX")).toBe("SnapshotComplete");
    expect(closestEventType("SnapshotCompleteXXXXX")).toBeUndefined();
    // "WorkflowTaskComplete" (20 letters) allows 5 edits: 5 substitutions pass, 6 do not.
    expect(closestEventType("WorkflowTaskComXXXXX")).toBe("WorkflowTaskComplete");
    expect(closestEventType("WorkflowTaskCoXXXXXX")).toBeUndefined();
  });

  it("counts a swap of neighbours as one edit (Damerau), which decides at the limit", () => {
    // Three swaps: distance 3 with swaps, 6 without; "SnapshotComplete" allows 4.
    expect(closestEventType("SnpashotCopmleet")).toBe("SnapshotComplete");
  });

  it("is not fooled by the budget cut-off: the real nearest name wins", () => {
    // AIProduceComplete vs ProduceMediaComplete: "AIProduceComplet" is 1 from AIProduceComplete.
    expect(closestEventType("AIProduceComplet")).toBe("AIProduceComplete");
    expect(closestEventType("BatchProduceMediaComplet")).toBe("BatchProduceMediaComplete");
  });
});

describe("normalizeEventTypes", () => {
  it.each([
    [[], []],
    [
      ["B", "A", "B"],
      ["A", "B"],
    ],
    [
      ["SnapshotComplete", "ProduceMediaComplete", "SnapshotComplete", "AIProduceComplete"],
      ["AIProduceComplete", "ProduceMediaComplete", "SnapshotComplete"],
    ],
    // Code-unit order, not locale order: upper case sorts before lower case.
    [
      ["b", "B", "a", "A"],
      ["A", "B", "a", "b"],
    ],
    // Exact comparison: case and whitespace variants are distinct entries.
    [
      ["X", "x", " X"],
      [" X", "X", "x"],
    ],
  ])("normalizeEventTypes(%j) is %j", (input, expected) => {
    expect(normalizeEventTypes(input)).toEqual(expected);
  });

  it("does not modify its input and makes equal sets compare equal", () => {
    const a = ["SnapshotComplete", "ProduceMediaComplete"];
    const b = ["ProduceMediaComplete", "SnapshotComplete", "ProduceMediaComplete"];
    expect(normalizeEventTypes(a)).toEqual(normalizeEventTypes(b));
    expect(a).toEqual(["SnapshotComplete", "ProduceMediaComplete"]);
  });
});
