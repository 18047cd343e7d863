/**
 * The event catalogue: contents against the reference list, categories, retired events, the
 * "did you mean" suggestion and set normalisation. Proves the catalogue matches the reference notes
 * (shared/reference/ims-api.md, late 2025); does not prove IMS has not added events since.
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

describe("IMS_EVENT_TYPES", () => {
  it("lists exactly the 28 documented events, grouped by category in documentation order", () => {
    const byCategory = Object.fromEntries(
      IMS_EVENT_CATEGORIES.map((c) => [c, eventTypesInCategory(c)]),
    );
    expect(byCategory).toEqual({
      mediaUpload: [
        "FileUploadComplete",
        "UploadByURLComplete",
        "ImageUploadComplete",
        "AttachedMediaUploadComplete",
        "RegisterStreamComplete",
        "StreamUploadComplete",
        "UploadStreamByURLComplete",
      ],
      mediaManagement: [
        "CreateAuditComplete",
        "RegisterMediaComplete",
        "DeleteMediaComplete",
        "MediaBaseChangeComplete",
      ],
      workflow: ["WorkflowTaskComplete"],
      mediaProcessing: [
        "VideoAnalysisComplete",
        "SnapshotComplete",
        "DynamicImageComplete",
        "TranscodeComplete",
        "TranscodeParentComplete",
        "MediaConvertComplete",
        "MediaConvertOutputGroupComplete",
        "MediaConvertOutputComplete",
      ],
      videoAi: ["AIMediaAuditComplete", "AIProduceComplete", "MediaAiAnalysisComplete"],
      intelligentEditing: ["ProduceMediaComplete", "BatchProduceMediaComplete"],
      liveProcessing: ["LiveRecordFileCreated", "LiveRecordTaskStatus", "LiveSnapshotFileCreated"],
    });
    expect(IMS_EVENT_TYPES).toHaveLength(28);
    // Concatenating the categories in order gives the array itself: the array is grouped.
    expect(IMS_EVENT_CATEGORIES.flatMap((c) => eventTypesInCategory(c))).toEqual([
      ...IMS_EVENT_TYPES,
    ]);
  });

  it("has no duplicates, and a category for every event and nothing else", () => {
    expect(new Set(IMS_EVENT_TYPES).size).toBe(IMS_EVENT_TYPES.length);
    expect(Object.keys(IMS_EVENT_CATEGORY).sort()).toEqual([...IMS_EVENT_TYPES].sort());
  });

  it("is frozen where it is an object", () => {
    expect(Object.isFrozen(IMS_EVENT_CATEGORY)).toBe(true);
    expect(Object.isFrozen(RETIRED_EVENT_TYPES)).toBe(true);
  });
});

describe("RETIRED_EVENT_TYPES", () => {
  it("lists the two Transcode events with their retirement date, both still in the catalogue", () => {
    expect(RETIRED_EVENT_TYPES).toEqual({
      TranscodeComplete: "2025-12-31",
      TranscodeParentComplete: "2025-12-31",
    });
    for (const name of Object.keys(RETIRED_EVENT_TYPES)) expect(isKnownEventType(name)).toBe(true);
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
