// 统一社会信用代码 (GB 32100-2015): 18 characters of a 31-symbol alphabet, the last a check
// character over the first 17. Mirrors src/applications/license.rs so merchants see mistakes
// as they type.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function checkChar(first17) {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** Why a code is not valid, in words for the merchant; null when it is valid. */
export function licenseProblem(code) {
  const c = code.trim();
  if (c.length === 0) return '请填写营业执照上的统一社会信用代码';
  if ([...c].some((ch) => !ALPHABET.includes(ch))) {
    return /[a-z]/.test(c)
      ? '请用大写字母填写'
      : '统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）';
  }
  if (c.length !== 18) return `统一社会信用代码应为 18 位，现在是 ${c.length} 位`;
  if (checkChar(c.slice(0, 17)) !== c[17]) return '统一社会信用代码校验位不正确，请核对营业执照';
  return null;
}
