// Simple case mapping (Go's unicode.ToLower / unicode.ToUpper) for the scripts policies meet: ASCII, Latin-1,
// Latin Extended-A, Greek, Cyrillic, Armenian and fullwidth Latin. Code points in scripts known to have no case
// map to themselves. Anything else returns -1: the caller aborts rather than guess, because a wrong lower() in
// a policy is a wrong decision.

/** caseMap maps `cp` to lower case (`upper` false) or upper case; -1 when this table does not know. */
export function caseMap(cp: i32, upper: bool): i32 {
  if (cp < 0x80) {
    if (upper) return cp >= 0x61 && cp <= 0x7a ? cp - 32 : cp;
    return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
  }
  if (cp < 0x100) return latin1(cp, upper);
  if (cp < 0x180) return latinExtendedA(cp, upper);
  if (cp >= 0x370 && cp < 0x400) return greek(cp, upper);
  if (cp >= 0x400 && cp < 0x530) return cyrillic(cp, upper);
  if (cp >= 0x530 && cp < 0x590) return armenian(cp, upper);
  if (cp >= 0xff21 && cp <= 0xff3a) return upper ? cp : cp + 32;
  if (cp >= 0xff41 && cp <= 0xff5a) return upper ? cp - 32 : cp;
  return caseless(cp) ? cp : -1;
}

function latin1(cp: i32, upper: bool): i32 {
  if (upper) {
    if (cp == 0xb5) return 0x39c; // micro sign -> Greek capital mu
    if (cp == 0xff) return 0x178;
    if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7) return cp - 32;
    return cp; // includes ß, which has no simple upper case
  }
  if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) return cp + 32;
  return cp;
}

function latinExtendedA(cp: i32, upper: bool): i32 {
  if (cp == 0x130) return upper ? cp : 0x69; // İ
  if (cp == 0x131) return upper ? 0x49 : cp; // ı
  if (cp == 0x138 || cp == 0x149) return cp; // ĸ, ŉ: no case partner
  if (cp == 0x178) return upper ? cp : 0xff; // Ÿ
  if (cp == 0x17f) return upper ? 0x53 : cp; // ſ
  // Pairs: upper case on even code points in 0x100-0x137 and 0x14a-0x177, on odd ones in 0x139-0x148 and 0x179-0x17e.
  const evenUpper = cp < 0x138 || (cp >= 0x14a && cp < 0x178);
  const isUpper = evenUpper ? (cp & 1) == 0 : (cp & 1) == 1;
  if (upper) return isUpper ? cp : cp - 1;
  return isUpper ? cp + 1 : cp;
}

function greek(cp: i32, upper: bool): i32 {
  if (upper) {
    if (cp == 0x3ac) return 0x386;
    if (cp >= 0x3ad && cp <= 0x3af) return cp - 37;
    if (cp == 0x3c2) return 0x3a3; // final sigma
    if (cp >= 0x3b1 && cp <= 0x3cb) return cp - 32;
    if (cp == 0x3cc) return 0x38c;
    if (cp == 0x3cd || cp == 0x3ce) return cp - 63;
    if (cp >= 0x386 && cp <= 0x3ab) return cp; // upper case, ano teleia, and ΐ
    if (cp == 0x3b0) return cp; // ΰ: no simple upper case
    return -1;
  }
  if (cp == 0x386) return 0x3ac;
  if (cp >= 0x388 && cp <= 0x38a) return cp + 37;
  if (cp == 0x38c) return 0x3cc;
  if (cp == 0x38e || cp == 0x38f) return cp + 63;
  if (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) return cp + 32;
  if (cp == 0x387 || cp == 0x390 || (cp >= 0x3ac && cp <= 0x3ce)) return cp;
  return -1;
}

function cyrillic(cp: i32, upper: bool): i32 {
  if (cp < 0x410) return upper ? cp : cp + 80;
  if (cp < 0x430) return upper ? cp : cp + 32;
  if (cp < 0x450) return upper ? cp - 32 : cp;
  if (cp < 0x460) return upper ? cp - 80 : cp;
  if (cp >= 0x482 && cp <= 0x489) return cp; // signs and combining marks
  if (cp == 0x4c0) return upper ? cp : 0x4cf;
  if (cp == 0x4cf) return upper ? 0x4c0 : cp;
  // Pairs: upper case on odd code points in 0x4c1-0x4ce, on even ones elsewhere.
  const isUpper = cp >= 0x4c1 && cp <= 0x4ce ? (cp & 1) == 1 : (cp & 1) == 0;
  if (upper) return isUpper ? cp : cp - 1;
  return isUpper ? cp + 1 : cp;
}

function armenian(cp: i32, upper: bool): i32 {
  if (cp >= 0x531 && cp <= 0x556) return upper ? cp : cp + 48;
  if (cp >= 0x561 && cp <= 0x586) return upper ? cp - 48 : cp;
  if (cp == 0x587) return cp; // ligature ech yiwn: no simple upper case
  if (cp == 0x530 || (cp >= 0x557 && cp <= 0x560) || cp >= 0x588) return cp;
  return -1;
}

/** caseless reports whether `cp` lies in a block known to have no case mappings. */
function caseless(cp: i32): bool {
  if (cp >= 0x2b0 && cp <= 0x2ff) return true; // spacing modifier letters
  if (cp >= 0x300 && cp <= 0x36f) return cp != 0x345; // combining marks (U+0345 upper-cases to Ι)
  if (cp >= 0x591 && cp <= 0x109f) return true; // Hebrew .. Myanmar
  if (cp >= 0x1100 && cp <= 0x139f) return true; // Hangul Jamo, Ethiopic
  if (cp >= 0x1400 && cp <= 0x1c7f) return true; // Canadian syllabics .. Ol Chiki
  if (cp >= 0x1cc0 && cp <= 0x1cff) return true; // Sundanese supplement, Vedic extensions
  if (cp >= 0x1dc0 && cp <= 0x1dff) return true; // combining marks supplement
  if (cp >= 0x2000 && cp <= 0x20ff) return true; // punctuation, super/subscripts, currency, symbol marks
  if (cp >= 0x2150 && cp <= 0x215f) return true; // fractions
  if (cp >= 0x2190 && cp <= 0x24b5) return true; // arrows .. enclosed digits
  if (cp >= 0x24ea && cp <= 0x2bff) return true; // box drawing .. miscellaneous symbols and arrows
  if (cp >= 0x2e00 && cp <= 0xa63f) return true; // punctuation, CJK, Yi, Lisu, Vai
  if (cp >= 0xa6a0 && cp <= 0xa6ff) return true; // Bamum
  if (cp >= 0xa800 && cp <= 0xab2f) return true; // Syloti Nagri .. Ethiopic extended-A
  if (cp >= 0xabc0 && cp <= 0xfb4f) return true; // Meetei Mayek, Hangul, surrogates, private use, CJK compatibility, presentation forms
  if (cp >= 0xfb50 && cp <= 0xff20) return true; // Arabic forms .. fullwidth punctuation and digits
  if (cp >= 0xff3b && cp <= 0xff40) return true;
  if (cp >= 0xff5b && cp <= 0xffff) return true;
  if (cp >= 0x1d400 && cp <= 0x1d7ff) return true; // mathematical alphanumerics: no case mappings
  if (cp >= 0x1f000 && cp <= 0x1faff) return true; // emoji and pictographs
  if (cp >= 0x20000 && cp <= 0x3134f) return true; // CJK extensions
  return false;
}
