// Engine units under as-pect: CRC-32, the validator's first checks, and evaluation of the
// hand-checked golden blob test/golden/four-points.cnb (see test/golden/cases.ts for why the
// expected classes are what they are).

import { crc32 } from "../crc32";
import { validate } from "../validate";
import { evaluate, evaluateBatch } from "../evaluate";
import { ErrorCode, H_CRC, H_VERSION } from "../format";

// test/golden/four-points.cnb, byte for byte.
const FOUR_POINTS: u8[] = [0x43, 0x4e, 0x42, 0x31, 0x01, 0x00, 0x40, 0x00, 0xd4, 0x00, 0x00, 0x00, 0x34, 0x69, 0xca, 0xa5, 0x01, 0x00, 0x05, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x90, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0xb8, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0xd0, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02];

function copyIn(bytes: u8[], len: i32): usize {
  const buf = heap.alloc(<usize>max(len, 8));
  for (let i = 0; i < len; i++) store<u8>(buf + i, i < bytes.length ? bytes[i] : 0);
  return buf;
}

function inputOf(a: i32, b: i32): usize {
  const p = heap.alloc(8);
  store<i32>(p, a);
  store<i32>(p + 4, b);
  return p;
}

describe("crc32", () => {
  test("matches the IEEE check value of '123456789'", () => {
    const p = heap.alloc(9);
    for (let i = 0; i < 9; i++) store<u8>(p + i, 0x31 + i);
    expect(crc32(p, 9, <usize>-8)).toBe(0xcbf43926);
  });
  test("reads the skipped field as zeros", () => {
    const p = heap.alloc(8);
    store<u64>(p, 0xffffffff00000000);
    const q = heap.alloc(8);
    store<u64>(q, 0);
    expect(crc32(p, 8, 4)).toBe(crc32(q, 8, <usize>-8));
  });
});

describe("validate", () => {
  test("accepts the golden blob", () => {
    expect(validate(copyIn(FOUR_POINTS, FOUR_POINTS.length), FOUR_POINTS.length)).toBe(ErrorCode.Ok);
  });
  test("truncated blob", () => {
    expect(validate(copyIn(FOUR_POINTS, 40), 40)).toBe(ErrorCode.Truncated);
    expect(validate(copyIn(FOUR_POINTS, 100), 100)).toBe(ErrorCode.Truncated);
  });
  test("trailing bytes", () => {
    expect(validate(copyIn(FOUR_POINTS, 220), 220)).toBe(ErrorCode.LengthMismatch);
  });
  test("wrong version before checksum", () => {
    const p = copyIn(FOUR_POINTS, FOUR_POINTS.length);
    store<u16>(p + H_VERSION, 2);
    expect(validate(p, FOUR_POINTS.length)).toBe(ErrorCode.UnsupportedVersion);
  });
  test("flipped bit in a section", () => {
    const p = copyIn(FOUR_POINTS, FOUR_POINTS.length);
    store<u8>(p + 180, load<u8>(p + 180) ^ 4);
    expect(validate(p, FOUR_POINTS.length)).toBe(ErrorCode.BadChecksum);
  });
  test("wrong checksum", () => {
    const p = copyIn(FOUR_POINTS, FOUR_POINTS.length);
    store<u32>(p + H_CRC, load<u32>(p + H_CRC) + 1);
    expect(validate(p, FOUR_POINTS.length)).toBe(ErrorCode.BadChecksum);
  });
  test("a failed validation leaves no model", () => {
    validate(copyIn(FOUR_POINTS, 40), 40);
    expect(evaluate(inputOf(0, 0))).toBe(-ErrorCode.NotValidated);
  });
});

describe("evaluate", () => {
  test("reproduces the four memorized points and the domain guard", () => {
    expect(validate(copyIn(FOUR_POINTS, FOUR_POINTS.length), FOUR_POINTS.length)).toBe(ErrorCode.Ok);
    expect(evaluate(inputOf(0, 0))).toBe(0);
    expect(evaluate(inputOf(1, 0))).toBe(1);
    expect(evaluate(inputOf(0, 1))).toBe(0);
    expect(evaluate(inputOf(2, 1))).toBe(2);
    expect(evaluate(inputOf(3, 1))).toBe(2);
    expect(evaluate(inputOf(4, 0))).toBe(-ErrorCode.InputOutOfDomain);
  });
  test("batch writes one result per input", () => {
    expect(validate(copyIn(FOUR_POINTS, FOUR_POINTS.length), FOUR_POINTS.length)).toBe(ErrorCode.Ok);
    const inputs = heap.alloc(24);
    store<i32>(inputs, 2); store<i32>(inputs + 4, 1);
    store<i32>(inputs + 8, 1); store<i32>(inputs + 12, 0);
    store<i32>(inputs + 16, 9); store<i32>(inputs + 20, 9);
    const out = heap.alloc(12);
    expect(evaluateBatch(inputs, 3, out)).toBe(-ErrorCode.InputOutOfDomain);
    expect(load<i32>(out)).toBe(2);
    expect(load<i32>(out + 4)).toBe(1);
    expect(load<i32>(out + 8)).toBe(-ErrorCode.InputOutOfDomain);
  });
});
