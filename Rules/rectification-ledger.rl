# 整改台账 — the hazard rectification ledger, for accountability (问责).
#
# Every hazard is a ledger item with a responsible unit (责任单位) and a deadline (整改期限).
# Items are closed out (销号) when rectified. This policy flags, as of `today`:
#   - items due within five working days (调休 and holidays honoured with --calendar),
#   - items past their deadline and still open (逾期未整改),
#   - items closed out after their deadline (逾期销号),
#   - enterprises with two or more major hazards found within twelve months (重大隐患反复出现).
# Per responsible unit: `redline query --data DIR Rules/rectification-ledger.rl
#   'from h in hazards where overdue_open(h) group by h.responsible_unit sort by count desc'`.

table enterprises key id label name {   # reports show `E001 山西晋阳煤业有限公司`
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}

table hazards key id {
  id: text,
  enterprise_id: text -> enterprises,
  level: text,
  category: text,
  found_on: date,
  deadline: date,
  rectified_on: date?,
  responsible_unit: text
}

table orders key id {
  id: text, enterprise_id: text -> enterprises, kind: text, issued_on: date
}

table inspections key id {
  id: text, enterprise_id: text -> enterprises, date: date, producing: bool
}

actions remind < closed_late < overdue < accountability

define open_on(h, on) = h.found_on <= on and (h.rectified_on is missing or h.rectified_on > on)
define overdue_open(h) = open_on(h, today) and h.deadline < today

rule due_soon "整改期限前五个工作日提醒责任单位"
  for h in hazards
  when open_on(h, today) and h.deadline >= today and h.deadline <= today + 5 workdays
  then remind h because "{h.responsible_unit}:隐患 {h.id} 将于 {h.deadline} 到期"

rule overdue_item "逾期未整改的隐患,责任单位须说明情况"
  for h in hazards
  when overdue_open(h)
  then overdue h because "{h.responsible_unit}:隐患 {h.id} 已逾期 {today - h.deadline} 天未整改"

rule closed_out_late "逾期销号的隐患记入责任单位考核"
  for h in hazards
  when h.rectified_on is present and h.rectified_on <= today and h.rectified_on > h.deadline
  then closed_late h because "{h.responsible_unit}:隐患 {h.id} 逾期 {h.rectified_on - h.deadline} 天后销号"

rule repeat_major_hazards "一年内重复出现重大隐患的企业,约谈主要负责人"
  for e in enterprises
  when (count h in e.hazards where h.level == "major" and h.found_on > today - 12 months and h.found_on <= today) >= 2
  then accountability e because "{e.name} 一年内发现重大隐患 {count h in e.hazards where h.level == "major" and h.found_on > today - 12 months and h.found_on <= today} 项"
