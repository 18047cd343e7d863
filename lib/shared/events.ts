/**
 * The catalogue of IMS (API product "ICE") callback event types: every name in Alibaba Cloud's
 * "event list" (late 2025), its category, the retired ones, and helpers to check and compare names.
 *
 * IMS adds events over time, so an unknown name is a warning, never a hard error: use
 * {@link isKnownEventType} and {@link closestEventType} to warn with a suggestion, and still send the
 * name as given.
 *
 * @packageDocumentation
 */

/**
 * Every documented IMS callback event type, grouped by category in documentation order (see
 * `IMS_EVENT_CATEGORY` in `pulumi-alicloud-ims-callback/events`). Names are case-sensitive. No
 * wildcard is documented for IMS.
 *
 * Not listed: the docs mention one more "intelligent task complete" event under intelligent editing
 * whose name no public copy shows; it is treated like any other unknown name.
 *
 * @example
 * ```ts
 * IMS_EVENT_TYPES.includes("ProduceMediaComplete"); // true
 * IMS_EVENT_TYPES.length; // 28
 * ```
 */
export const IMS_EVENT_TYPES = [
  // Media upload
  "FileUploadComplete",
  "UploadByURLComplete",
  "ImageUploadComplete",
  "AttachedMediaUploadComplete",
  "RegisterStreamComplete",
  "StreamUploadComplete",
  "UploadStreamByURLComplete",
  // Media management
  "CreateAuditComplete",
  "RegisterMediaComplete",
  "DeleteMediaComplete",
  "MediaBaseChangeComplete",
  // Workflow
  "WorkflowTaskComplete",
  // Media processing
  "VideoAnalysisComplete",
  "SnapshotComplete",
  "DynamicImageComplete",
  "TranscodeComplete",
  "TranscodeParentComplete",
  "MediaConvertComplete",
  "MediaConvertOutputGroupComplete",
  "MediaConvertOutputComplete",
  // Video AI
  "AIMediaAuditComplete",
  "AIProduceComplete",
  "MediaAiAnalysisComplete",
  // Intelligent editing
  "ProduceMediaComplete",
  "BatchProduceMediaComplete",
  // Live processing
  "LiveRecordFileCreated",
  "LiveRecordTaskStatus",
  "LiveSnapshotFileCreated",
] as const;

/**
 * The name of a documented IMS callback event, from {@link IMS_EVENT_TYPES}.
 *
 * @example
 * ```ts
 * const wanted: ImsEventType[] = ["ProduceMediaComplete", "MediaConvertComplete"];
 * ```
 */
export type ImsEventType = (typeof IMS_EVENT_TYPES)[number];

/**
 * The categories of the IMS event list, in documentation order.
 *
 * @example
 * ```ts
 * IMS_EVENT_CATEGORIES[0]; // "mediaUpload"
 * ```
 */
export const IMS_EVENT_CATEGORIES = [
  "mediaUpload",
  "mediaManagement",
  "workflow",
  "mediaProcessing",
  "videoAi",
  "intelligentEditing",
  "liveProcessing",
] as const;

/**
 * A category of the IMS event list, from {@link IMS_EVENT_CATEGORIES}.
 *
 * @example
 * ```ts
 * const category: ImsEventCategory = IMS_EVENT_CATEGORY.SnapshotComplete; // "mediaProcessing"
 * ```
 */
export type ImsEventCategory = (typeof IMS_EVENT_CATEGORIES)[number];

/**
 * The category of every documented event type. The mapped type makes the compiler reject a catalogue
 * entry without a category.
 *
 * @example
 * ```ts
 * IMS_EVENT_CATEGORY.ProduceMediaComplete; // "intelligentEditing"
 * ```
 */
export const IMS_EVENT_CATEGORY: { readonly [E in ImsEventType]: ImsEventCategory } = Object.freeze(
  {
    FileUploadComplete: "mediaUpload",
    UploadByURLComplete: "mediaUpload",
    ImageUploadComplete: "mediaUpload",
    AttachedMediaUploadComplete: "mediaUpload",
    RegisterStreamComplete: "mediaUpload",
    StreamUploadComplete: "mediaUpload",
    UploadStreamByURLComplete: "mediaUpload",
    CreateAuditComplete: "mediaManagement",
    RegisterMediaComplete: "mediaManagement",
    DeleteMediaComplete: "mediaManagement",
    MediaBaseChangeComplete: "mediaManagement",
    WorkflowTaskComplete: "workflow",
    VideoAnalysisComplete: "mediaProcessing",
    SnapshotComplete: "mediaProcessing",
    DynamicImageComplete: "mediaProcessing",
    TranscodeComplete: "mediaProcessing",
    TranscodeParentComplete: "mediaProcessing",
    MediaConvertComplete: "mediaProcessing",
    MediaConvertOutputGroupComplete: "mediaProcessing",
    MediaConvertOutputComplete: "mediaProcessing",
    AIMediaAuditComplete: "videoAi",
    AIProduceComplete: "videoAi",
    MediaAiAnalysisComplete: "videoAi",
    ProduceMediaComplete: "intelligentEditing",
    BatchProduceMediaComplete: "intelligentEditing",
    LiveRecordFileCreated: "liveProcessing",
    LiveRecordTaskStatus: "liveProcessing",
    LiveSnapshotFileCreated: "liveProcessing",
  },
);

/**
 * The event types of one category, in documentation order.
 *
 * @example
 * ```ts
 * eventTypesInCategory("intelligentEditing"); // ["ProduceMediaComplete", "BatchProduceMediaComplete"]
 * ```
 */
export function eventTypesInCategory(category: ImsEventCategory): ImsEventType[] {
  return IMS_EVENT_TYPES.filter((name) => IMS_EVENT_CATEGORY[name] === category);
}

/**
 * Event types IMS has announced for retirement, with the retirement date (`yyyy-MM-dd`). They are
 * still in {@link IMS_EVENT_TYPES} (still documented, still delivered until that date); validation
 * warns about them. Their successor is the MediaConvert family (e.g. `MediaConvertComplete`).
 *
 * @example
 * ```ts
 * RETIRED_EVENT_TYPES.TranscodeComplete; // "2025-12-31"
 * ```
 */
export const RETIRED_EVENT_TYPES: {
  readonly TranscodeComplete: "2025-12-31";
  readonly TranscodeParentComplete: "2025-12-31";
} = Object.freeze({
  TranscodeComplete: "2025-12-31",
  TranscodeParentComplete: "2025-12-31",
});

/**
 * The name of a retired event type, a key of {@link RETIRED_EVENT_TYPES}.
 *
 * @example
 * ```ts
 * const old: RetiredEventType = "TranscodeComplete";
 * ```
 */
export type RetiredEventType = keyof typeof RETIRED_EVENT_TYPES;

const KNOWN = new Set<string>(IMS_EVENT_TYPES);

/**
 * Whether `name` is a documented event type (exact, case-sensitive match; retired ones included).
 *
 * @example
 * ```ts
 * isKnownEventType("ProduceMediaComplete"); // true
 * isKnownEventType("producemediacomplete"); // false: names are case-sensitive
 * ```
 */
export function isKnownEventType(name: unknown): name is ImsEventType {
  return typeof name === "string" && KNOWN.has(name);
}

/**
 * Whether `name` is a retired event type (see {@link RETIRED_EVENT_TYPES}).
 *
 * @example
 * ```ts
 * isRetiredEventType("TranscodeComplete"); // true
 * ```
 */
export function isRetiredEventType(name: unknown): name is RetiredEventType {
  return (
    typeof name === "string" && Object.prototype.hasOwnProperty.call(RETIRED_EVENT_TYPES, name)
  );
}

/**
 * The documented event type closest to `name`, for "did you mean …?" hints: case-insensitive
 * Damerau–Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbours each cost 1). A candidate counts only when the distance is at most a
 * quarter of the candidate's length (at least 2); ties go to the earlier name in
 * {@link IMS_EVENT_TYPES}. Returns `undefined` when nothing is that close, or for an empty name.
 *
 * A name that differs only in case returns the correctly-cased name.
 *
 * @example
 * ```ts
 * closestEventType("ProduceMediaCompleted"); // "ProduceMediaComplete"
 * closestEventType("snapshotcomplete"); // "SnapshotComplete"
 * closestEventType("Hello"); // undefined
 * ```
 */
export function closestEventType(name: string): ImsEventType | undefined {
  if (typeof name !== "string") return undefined;
  const wanted = name.trim().toLowerCase();
  if (wanted === "") return undefined;
  let best: ImsEventType | undefined;
  let bestDistance = Infinity;
  for (const candidate of IMS_EVENT_TYPES) {
    const limit = Math.max(2, Math.floor(candidate.length / 4));
    const distance = osaDistance(
      wanted,
      candidate.toLowerCase(),
      Math.min(limit, bestDistance - 1),
    );
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Optimal-string-alignment distance between `a` and `b`; returns `max + 1` as soon as the distance is
 * known to exceed `max` (a cheap cut-off, since only close names matter).
 */
function osaDistance(a: string, b: string, max: number): number {
  if (max < 0) return Infinity;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[b.length];
}

/**
 * An event list in canonical form for set comparison: duplicates removed, sorted by UTF-16 code unit
 * (the same order as `Array.prototype.sort()`, independent of locale). Names are compared exactly
 * (case-sensitive, no trimming), as IMS compares them.
 *
 * @example
 * ```ts
 * normalizeEventTypes(["SnapshotComplete", "ProduceMediaComplete", "SnapshotComplete"]);
 * // ["ProduceMediaComplete", "SnapshotComplete"]
 * ```
 */
export function normalizeEventTypes(list: readonly string[]): string[] {
  return [...new Set(list)].sort();
}
