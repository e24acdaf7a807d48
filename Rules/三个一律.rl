# 三个一律(中文关键字版):与 three-always.rl 的政策完全相同,只是用中文关键字书写。
# 今天 即评估基准日。

表 enterprises 主键 id 标签 name {
  id: 文本, name: 文本, industry: 文本, county: 文本, owner: 文本, status: 文本, employees: 整数
}

表 hazards 主键 id {
  id: 文本,
  enterprise_id: 文本 -> enterprises,    # h.enterprise 与 e.hazards
  level: 文本,                           # major 或 general
  category: 文本,
  found_on: 日期,
  deadline: 日期,
  rectified_on: 日期?,                   # 未整改时为空
  responsible_unit: 文本
}

表 orders 主键 id {
  id: 文本, enterprise_id: 文本 -> enterprises, kind: 文本, issued_on: 日期
}

表 inspections 主键 id {
  id: 文本, enterprise_id: 文本 -> enterprises, date: 日期, producing: 布尔
}

# 处置由轻到重:同一企业取最重的处置。
处置 suspend < close < refer

# 隐患在某日未整改:尚无整改日期,或整改日期晚于该日。
定义 未整改(h, 日) = h.rectified_on 是 缺失 或 h.rectified_on > 日

规则 有重大隐患一律停产 "凡是有重大隐患的企业一律停产"
  对于 e 属于 enterprises
  当 存在 h 属于 e.hazards 满足 h.level == "major" 且 h.found_on <= 今天 且 未整改(h, 今天)
  则 suspend e 因为 "重大隐患 {h.id} 未整改"

规则 限期不整改一律关闭 "凡是重大隐患限期不整改的一律关闭"
  对于 e 属于 enterprises
  当 存在 h 属于 e.hazards 满足 h.level == "major" 且 h.deadline < 今天 且 未整改(h, h.deadline)
  则 close e 因为 "重大隐患 {h.id} 逾期未整改(期限 {h.deadline})"

规则 冒险违法生产一律移送司法 "凡是冒险违法组织生产的不法业主一律移送司法"
  对于 e 属于 enterprises
  当 存在 i 属于 e.inspections 满足 i.producing 且 i.date <= 今天
       且 (存在 o 属于 e.orders 满足 o.kind 属于 ["suspend", "close"] 且 o.issued_on < i.date)
  则 refer e 因为 "责令停产或关闭后仍组织生产:检查 {i.id}({i.date})"
