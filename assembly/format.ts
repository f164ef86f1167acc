// The .cnb blob format, version 1: the one table shared by the engine and the host.
//
// This file is compiled twice: by asc into the engine and by tsc into host/ (which imports
// it as ../../assembly/format.js). So it holds only what both languages read the same way:
// numeric constants and enums, no AssemblyScript types, no Node APIs.
// docs/FORMAT.md documents every value here byte by byte; test/format-doc.test.ts checks
// that the document and this file agree.

/** Bytes 'C','N','B','1' read as a little-endian u32. */
export const MAGIC = 0x31424e43;
export const FORMAT_VERSION = 1;

// ---- Header: HEADER_BYTES at offset 0 ----
export const HEADER_BYTES = 64;
export const H_MAGIC = 0; //         u32
export const H_VERSION = 4; //       u16
export const H_HEADER_BYTES = 6; //  u16
export const H_BLOB_BYTES = 8; //    u32  total length of the blob
export const H_CRC = 12; //          u32  CRC-32 (IEEE) of the blob with this field zeroed
export const H_KIND = 16; //         u8   NodeKind of the root structure
export const H_QUANT_MODE = 17; //   u8   QuantMode
export const H_SECTION_COUNT = 18; // u16
export const H_INPUT_DIM = 20; //    u32  d
export const H_CLASS_COUNT = 24; //  u32  C
export const H_MAX_DEPTH = 28; //    u32  most branch tests on any path
export const H_SCRATCH_BYTES = 32; // u32 scratch the caller provides (0 for search)
export const H_QUANT_PARAM = 36; //  i32  frac bits f, or the integer scale
export const H_PAIRS = 40; //        u32  n, the distinct pairs memorized (informational)
export const H_ROOT_CLASS = 44; //   u32  class of a tree or graph of no nodes; 0 otherwise
export const H_RESERVED = 48; //     16 bytes, must be zero

// ---- Section table: SECTION_ENTRY_BYTES per entry, right after the header ----
export const SECTION_ENTRY_BYTES = 16;
export const S_ID = 0; //         u16 SectionId
export const S_ELEM_BYTES = 2; // u16 bytes per element (0: variable)
export const S_OFFSET = 4; //     u32 from the start of the blob, a multiple of SECTION_ALIGN
export const S_BYTES = 8; //      u32 length of the payload
export const S_COUNT = 12; //     u32 number of elements
export const SECTION_ALIGN = 8;

// ---- Limits: counts are capped before anything is sized from them ----
export const MAX_INPUT_DIM = 65536;
export const MAX_CLASSES = 16777216;
export const MAX_SECTIONS = 16;
export const MAX_DEPTH = 64;
export const MAX_SCRATCH_BYTES = 16777216;
export const MAX_SEPARATORS = 0x3fffffff;
export const MAX_TREE_NODES = 0x3fffffff;
export const MAX_DENSE_LAYERS = 8;
/** Neurons per dense layer: two i64 buffers of this width fill MAX_SCRATCH_BYTES. */
export const MAX_DENSE_WIDTH = 1048576;
/** A program: instructions, terms per instruction, limbs (32 bits) per value. */
export const MAX_INSTRUCTIONS = 16777216;
export const MAX_TERMS = 1048576;
export const MAX_LIMBS = 1024;
/** A conditional graph: rows of d weights (each with one i64 register), and masks of at most
 *  this many bytes (4 neurons a byte), so a mask's size fits a section entry's u16. */
export const MAX_GRAPH_ROWS = 1048576;
export const MAX_MASK_BYTES = 65535;
/** x_int = round(x · 2^f) stays an i32 only for f ≤ 31 on any non-zero input. */
export const MAX_FRAC_BITS = 31;
/** Keys (projection values) stay within ±(2^53 − 1) over the declared domain, so the host
 *  represents every key exactly as a JavaScript number. */
export const MAX_KEY_MAGNITUDE = 9007199254740991;

/** i64 accumulators, keys and separators span ⌈64/32⌉ = 2 words in `wordOps` (DESIGN §2). */
export const I64_WORDS = 2;

/** What the root of a blob is. One name per kind, everywhere: the host's network kinds are
 *  the same words in lower case ('search', 'tree', 'dense', 'program', 'graph'). */
export enum NodeKind {
  Search = 1, //  projection + Eytzinger binary search (DESIGN §3.1)
  Tree = 2, //    sparse label-aware tree over single coordinates (DESIGN §3.2)
  Dense = 3, //   dense layers, argmax or scalar-class output (DESIGN §2, §3.3)
  Program = 4, // straight-line multi-limb neuron program (DESIGN §3.4)
  Graph = 5, //   conditional graph: branches on affine scores, class and net leaves (DESIGN §3.5)
}
export const KIND_LAST_SUPPORTED = 5;
/** Kinds 6 … 15 belong to later versions: a reader answers UnsupportedKind (it cannot run
 *  them, the blob is not malformed). 0 and 16 … 255 are BadKind. */
export const KIND_LAST_RESERVED = 15;

export enum QuantMode {
  FracBits = 0, // x_int = round(x · 2^f)
  Scale = 1, //    x_int = round(x · scale)
}

/** Section ids. 1 … 31 are structural: a kind holds exactly the ones the kind table names.
 *  32 … 63 are optional: any kind may hold them, and a reader that does not know one checks
 *  its framing and skips it (docs/FORMAT.md, "How the format grows"). */
export enum SectionId {
  Domain = 1, //     d × (i32 lo, i32 hi), or 1 × (lo, hi) shared by every coordinate
  Labels = 2, //     C × u32 end offsets, then the UTF-8 label texts
  Projection = 3, // d × i32 direction weights, none zero
  Separators = 4, // m × i64 keys in Eytzinger (heap) order
  Leaves = 5, //     (m + 1) × u8|u16|u32 class per heap position past the separators
  TreeNodes = 6, //  m × branch node, 8 bytes (u16 fields) or 16 bytes (u32 fields)
  DenseLayers = 7, // the output mode, then each layer: header, i32 weights, i64 biases
  Program = 8, //    `count` instructions, each writing the next register
  GraphNodes = 9, // m × GRAPH_NODE_BYTES nodes in preorder: branches and net leaves
  GraphRows = 10, // rows × d i32 weights: the scores branches test, one i64 register each
  GraphMasks = 11, // masks × ⌈H/4⌉ bytes: a NeuronState (2 bits) per neuron of the DenseLayers
}
export const SECTION_LAST_SUPPORTED = 11;
/** Structural ids 12 … 31 belong to later versions: UnsupportedSection. */
export const SECTION_LAST_STRUCTURAL = 31;
/** Optional ids: skipped by a reader that does not know them. 0 and 64 … are BadSection. */
export const SECTION_FIRST_OPTIONAL = 32;
export const SECTION_LAST_OPTIONAL = 63;

const DOMAIN_LABELS = (1 << SectionId.Domain) | (1 << SectionId.Labels);

/** Where a kind's evaluation writes, after the blob (header scratchBytes). */
export enum ScratchRule {
  None = 0, //         search, tree: nothing is written
  DenseBuffers = 1, // two i64 buffers as wide as the widest layer or the input
  Registers = 2, //    the program's register file: 4 bytes per limb
  DenseAndRows = 3, // the dense buffers, then one i64 register per graph row
}

/** What a kind's evaluation does with the input and the nodes. */
export enum KindTrait {
  ReadsEveryCoordinate = 1, // every coordinate is read and checked against the domain
  Preorder = 2, //             nodes in preorder with refs, checked by the one preorder walk
}

// ---- The kind table: one row per NodeKind (row 0 is no kind), KIND_COLUMNS columns. The
// engine's validator takes a kind's sections from it, the host's kind table
// (host/kinds/index.ts) checks itself against it, and docs/FORMAT.md ("Node kinds") lists
// the same rows. One table rather than an array per column: in the engine each static array
// costs its own header, and the engine's size is a budget. ----
export const KIND_COLUMNS = 4;
/** Column: the structural sections the kind holds, each exactly once (bit masks over SectionId). */
export const K_SECTIONS = 0;
/** Column: sections the kind holds both of or neither (a graph with net leaves also holds its
 *  base network and the masks). */
export const K_PAIRED = 1;
/** Column: the kind's ScratchRule. */
export const K_SCRATCH = 2;
/** Column: the kind's KindTrait bits. */
export const K_TRAITS = 3;

export const KIND_TABLE: StaticArray<i32> = [
  // K_SECTIONS                                                                  K_PAIRED
  // K_SCRATCH                 K_TRAITS
  0, 0, 0, 0, // (no kind)
  DOMAIN_LABELS | (1 << SectionId.Projection) | (1 << SectionId.Separators) | (1 << SectionId.Leaves), 0,
  ScratchRule.None, KindTrait.ReadsEveryCoordinate, // Search
  DOMAIN_LABELS | (1 << SectionId.TreeNodes), 0,
  ScratchRule.None, KindTrait.Preorder, // Tree
  DOMAIN_LABELS | (1 << SectionId.DenseLayers), 0,
  ScratchRule.DenseBuffers, KindTrait.ReadsEveryCoordinate, // Dense
  DOMAIN_LABELS | (1 << SectionId.Program), 0,
  ScratchRule.Registers, KindTrait.ReadsEveryCoordinate, // Program
  DOMAIN_LABELS | (1 << SectionId.GraphNodes) | (1 << SectionId.GraphRows), (1 << SectionId.DenseLayers) | (1 << SectionId.GraphMasks),
  ScratchRule.DenseAndRows, KindTrait.ReadsEveryCoordinate | KindTrait.Preorder, // Graph
];


// ---- A TreeNodes element: four fields of W bytes each, W = elemBytes / 4 (2 or 4) ----
// A ref r < m names branch node r; r ≥ m is a leaf of class r − m. Nodes are stored in
// preorder (node 0 the root, the "below" subtree before the "at or above" one), which the
// validator checks with a stack of at most MAX_DEPTH + 2 entries: no scratch memory.
export const T_FEATURE = 0; //   coordinate f < d tested by x_f ≥ θ
export const T_THRESHOLD = 1; // θ, signed (i16 or i32)
export const T_BELOW = 2; //     ref taken when x_f < θ
export const T_ABOVE = 3; //     ref taken when x_f ≥ θ

// ---- The DenseLayers payload: DENSE_PREFIX_BYTES, then `count` layers back to back ----
export const D_OUTPUT = 0; //    u32 DenseOutput
export const D_RESERVED = 4; //  u32, must be zero
export const DENSE_PREFIX_BYTES = 8;
// Each layer: LAYER_HEADER_BYTES, then its i32 weights (one shared row of `inputs`, or
// `outputs` rows of `inputs`), zero-padded to a multiple of 8, then `outputs` i64 biases.
export const L_OUTPUTS = 0; //   u32 neurons, 1 … MAX_DENSE_WIDTH
export const L_INPUTS = 4; //    u32 the previous layer's outputs (d for the first)
export const L_FLAGS = 8; //     u32 LayerFlag bits
export const L_RESERVED = 12; // u32, must be zero
export const LAYER_HEADER_BYTES = 16;

export enum LayerFlag {
  Relu = 1, //      σ(z) = max(0, z) on every neuron
  SharedRow = 2, // one weight row used by every neuron (each with its own bias)
}

// ---- A Program instruction: one neuron, z = Σ w_t·r_t + b (mod 2^(32·width)), then
// ReLU if flagged, written as the next register. Registers are little-endian u32 limbs,
// two's complement, in one file: the d inputs (one limb each) first, then each instruction's
// `width` limbs in order. Every limb count and offset is in limbs.
export const P_WIDTH = 0; //       u16 limbs of the result, 1 … MAX_LIMBS
export const P_FLAGS = 2; //       u8  bit 0: ReLU
export const P_RESERVED = 3; //    u8, must be zero
export const P_BIAS_LIMBS = 4; //  u16 0 (no bias) … width
export const P_RESERVED2 = 6; //   u16, must be zero
export const P_TERMS = 8; //       u32 terms, 1 … MAX_TERMS
export const INSTRUCTION_HEADER_BYTES = 12;
// then the bias limbs, then each term: PROGRAM_TERM_BYTES, then its weight limbs
export const PT_SOURCE = 0; //      u32 first limb of the source in the register file
export const PT_SOURCE_LIMBS = 4; // u16 1 … MAX_LIMBS
export const PT_WEIGHT_LIMBS = 6; // u16 1 … MAX_LIMBS
export const PROGRAM_TERM_BYTES = 8;

// ---- A GraphNodes element. Refs work as in TreeNodes: r < m names node r, r ≥ m is a leaf
// of class r − m; nodes are in preorder, checked by the same walk. ----
export const G_KIND = 0; //       u8  GraphNodeKind
export const G_FLAGS = 1; //      u8  GraphFlag bits (branch), 0 (net)
export const G_RESERVED = 2; //   u16, must be zero
export const G_ROW = 4; //        u32 branch: row index; net: mask index
export const G_BELOW = 8; //      u32 branch: ref taken when score < θ; net: 0
export const G_ABOVE = 12; //     u32 branch: ref taken when score ≥ θ; net: 0
export const G_THRESHOLD = 16; // i64 branch: θ; net: 0
export const GRAPH_NODE_BYTES = 24;

export enum GraphNodeKind {
  Branch = 1, // score = row · x (i64), then score ≥ θ
  Net = 2, //    a leaf: the DenseLayers network run under a mask
}

export enum GraphFlag {
  Reuse = 1, // the row's register was computed earlier on the path: only the cmp runs
}

/** What a mask says of one neuron of the DenseLayers, 2 bits (neuron k: byte k/4, bits 2·(k%4)). */
export enum NeuronState {
  Compute = 0, //  as in the dense network, ReLU included
  Inactive = 1, // value 0, skipped: nothing read or counted
  Active = 2, //   computed, its ReLU skipped (it passes its value on the inputs that get here)
}

/** How the last layer's values become a class. */
export enum DenseOutput {
  Argmax = 0, //      C outputs; the first largest wins
  ScalarClass = 1, // one output, the class index itself
}

/** What the counting build's `counter(which)` export returns, for the last evaluated input
 *  (DESIGN §2). Here so that the engine (assembly/counting.ts) and the host (host/engine/engine.ts)
 *  read one list. Not part of the blob. */
export enum Counter {
  Mul = 0,
  Add = 1,
  Cmp = 2,
  WordOps = 3,
  Loads = 4,
  LowAddr = 5, //  lowest blob address read
  HighAddr = 6, // highest blob address read
}

/** Every reader returns the first failing check's code, in the order FORMAT.md lists them.
 *  Codes 1..31 are about the blob, 32.. about a call. Append only. */
export enum ErrorCode {
  Ok = 0,
  Truncated = 1,
  BadMagic = 2,
  UnsupportedVersion = 3,
  BadHeader = 4,
  LengthMismatch = 5,
  BadChecksum = 6,
  BadKind = 7,
  UnsupportedKind = 8,
  OverLimit = 9,
  BadSection = 10,
  UnsupportedSection = 11,
  MissingSection = 12,
  BadDomain = 13,
  BadLabels = 14,
  BadWeight = 15,
  BadLeaf = 16,
  BadDepth = 17,
  KeyRange = 18,
  BadNode = 19,
  BadLayer = 20,
  BadInstruction = 21,
  BadScratch = 22, //  the header's scratchBytes is less than the kind's ScratchRule needs
  // about a call, not a blob
  NotValidated = 32,
  OutOfMemory = 33,
  InputOutOfDomain = 34,
  OutputOutOfRange = 35,
  InputLength = 36, // a row of other than d values: refused by every caller that has rows (the host, WASI)
}
