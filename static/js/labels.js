// Words shown to people: statuses, actions, roles and the sign vocabulary, in plain Chinese,
// with the traditional Mongolian of the portal's headings and field labels.

export const STATUS = {
  translating: '翻译中',
  in_review: '审核中',
  changes_requested: '待修改',
  approved: '已批准',
  rejected: '未通过',
  withdrawn: '已撤回',
  revoked: '已撤销',
};
export const STATUS_ORDER = Object.keys(STATUS);

export const ACTION = {
  submit: '提交申请',
  supply_translation: '提供蒙古文译文',
  confirm_translation: '确认蒙古文译文',
  approve: '批准',
  reject: '不予批准',
  request_changes: '退回修改',
  resubmit: '修改后重新提交',
  withdraw: '撤回申请',
  extend: '延长办理期限',
  claim: '认领',
  assign: '指派承办人',
  revoke: '撤销批准',
};

export const ROLE = {
  merchant: '商户',
  translator: '翻译人员',
  reviewer: '审核人员',
  admin: '管理员',
};

export const KIND = {
  shop_plaque: '店铺牌匾',
  unit_plaque: '单位牌匾',
  lightbox: '灯箱',
  vertical_plaque: '竖牌',
  led_screen: '电子屏',
  billboard: '广告牌',
};

export const ARRANGEMENT = {
  horizontal: '横排（蒙古文在上或在前）',
  vertical: '竖排（蒙古文在左）',
  separate_panels: '蒙汉分两块牌',
  ring: '环形',
};

export const SEVERITY = { error: '不符合', warning: '请注意', pending: '等待翻译' };

// Traditional Mongolian (Unicode, vertical script). Transliteration in the comments.
export const MN = {
  title: 'ᠮᠣᠩᠭᠣᠯ ᠬᠢᠲᠠᠳ ᠬᠣᠶᠠᠷ ᠪᠢᠴᠢᠭ ᠦᠨ ᠬᠠᠩᠪᠠᠨ', // mongγol kitad qoyar bičig-ün qangban
  portal: 'ᠬᠠᠩᠪᠠᠨ ᠤ ᠥᠷᠭᠦᠳᠬᠡᠯ', // qangban-u örgüdkel (sign application)
  console: 'ᠬᠢᠨᠠᠨ ᠪᠠᠲᠤᠯᠠᠬᠤ', // kinan batulaqu (review and approve)
  stats: 'ᠪᠠᠲᠤᠯᠠᠭᠰᠠᠨ ᠲᠣᠭ᠎ᠠ', // batulaγsan toγ-a (approved count)
  mine: 'ᠮᠢᠨᠤ ᠥᠷᠭᠦᠳᠬᠡᠯ', // minu örgüdkel (my applications)
  login: 'ᠨᠡᠪᠲᠡᠷᠡᠬᠦ', // nebterekü (log in)
  register: 'ᠪᠦᠷᠢᠳᠬᠡᠬᠦ', // büridkekü (register)
  shop: 'ᠳᠡᠯᠭᠡᠭᠦᠷ ᠦᠨ ᠨᠡᠷ᠎ᠡ', // delgegür-ün ner-e (shop name)
  license: 'ᠦᠨᠡᠮᠯᠡᠯ ᠦᠨ ᠳᠤᠭᠠᠷ', // ünemlel-ün dugar (licence number)
  address: 'ᠬᠠᠶᠢᠭ', // qayiγ (address)
  township: 'ᠰᠤᠮᠤ ᠪᠠᠯᠭᠠᠰᠤ', // sumu balγasu (township)
  phone: 'ᠤᠲᠠᠰᠤ', // utasu (telephone)
  size: 'ᠬᠡᠮᠵᠢᠶ᠎ᠡ', // kemjiy-e (size)
  kind: 'ᠲᠥᠷᠥᠯ', // töröl (kind)
  arrangement: 'ᠪᠠᠶᠢᠷᠢᠯᠠᠯ', // bayirilal (arrangement)
  material: 'ᠲᠦᠭᠦᠬᠡᠢ ᠡᠳ', // tügükei ed (material)
  light: 'ᠭᠡᠷᠡᠯ', // gerel (light)
  zh: 'ᠬᠢᠲᠠᠳ ᠪᠢᠴᠢᠭ', // kitad bičig (Chinese text)
  mn: 'ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ', // mongγol bičig (Mongolian text)
  foreign: 'ᠭᠠᠳᠠᠭᠠᠳᠤ ᠪᠢᠴᠢᠭ', // γadaγadu bičig (foreign text)
  translate: 'ᠣᠷᠴᠢᠭᠤᠯᠭ᠎ᠠ', // orčiγulγ-a (translation)
  design: 'ᠵᠢᠷᠤᠭ', // jiruγ (picture)
  preview: 'ᠬᠠᠩᠪᠠᠨ ᠤ ᠵᠢᠷᠤᠭ', // qangban-u jiruγ (sign picture)
  findings: 'ᠠᠰᠠᠭᠤᠳᠠᠯ', // asaγudal (issues)
  color: 'ᠥᠩᠭᠡ', // öngge (colour)
  fontSize: 'ᠦᠰᠦᠭ ᠦᠨ ᠬᠡᠮᠵᠢᠶ᠎ᠡ', // üsüg-ün kemjiy-e (letter size)
};
