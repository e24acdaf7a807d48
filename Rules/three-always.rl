# 三个一律 — the "three always" policy for major hazards (重大隐患).
#
# 1. 凡是有重大隐患的企业一律停产: an enterprise with an unrectified major hazard suspends production.
# 2. 凡是重大隐患限期不整改的一律关闭: a major hazard not rectified by its deadline means closure.
# 3. 凡是冒险违法组织生产的不法业主一律移送司法: producing against a suspension or closure order
#    means referral to the judiciary.
# `today` is the as-of date of the run.

table enterprises key id label name {   # reports show `E001 山西晋阳煤业有限公司`
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}

table hazards key id {
  id: text,
  enterprise_id: text -> enterprises,     # h.enterprise, and e.hazards
  level: text,                            # major or general
  category: text,
  found_on: date,
  deadline: date,
  rectified_on: date?,                    # missing while not rectified
  responsible_unit: text
}

table orders key id {
  id: text, enterprise_id: text -> enterprises, kind: text, issued_on: date
}

table inspections key id {
  id: text, enterprise_id: text -> enterprises, date: date, producing: bool
}

# Severity, weakest first: the strongest action per enterprise wins.
actions suspend < close < refer

# A hazard is unrectified on a day if it has no rectification date yet, or a later one.
define unrectified(h, on) = h.rectified_on is missing or h.rectified_on > on

rule suspend_major_hazard "凡是有重大隐患的企业一律停产"
  for e in enterprises
  when some h in e.hazards where h.level == "major" and h.found_on <= today and unrectified(h, today)
  then suspend e because "重大隐患 {h.id} 未整改"

rule close_overdue_major_hazard "凡是重大隐患限期不整改的一律关闭"
  for e in enterprises
  when some h in e.hazards where h.level == "major" and h.deadline < today and unrectified(h, h.deadline)
  then close e because "重大隐患 {h.id} 逾期未整改(期限 {h.deadline})"

rule refer_illegal_production "凡是冒险违法组织生产的不法业主一律移送司法"
  for e in enterprises
  when some i in e.inspections where i.producing and i.date <= today
         and (some o in e.orders where o.kind in ["suspend", "close"] and o.issued_on < i.date)
  then refer e because "责令停产或关闭后仍组织生产:检查 {i.id}({i.date})"
