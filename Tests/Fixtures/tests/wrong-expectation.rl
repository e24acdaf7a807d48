# A policy with a deliberately wrong expectation: the test must fail with a readable report.
table enterprises key id { id: text }
table hazards key id { id: text, enterprise_id: text -> enterprises, level: text, deadline: date, rectified_on: date? }
actions close

rule close_overdue "重大隐患逾期未整改一律关闭"
  for e in enterprises
  when some h in e.hazards where h.level == "major" and h.deadline < today and h.rectified_on is missing
  then close e

test "rectified on time, but the expectation says close" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, deadline, rectified_on) ("H1", "E1", "major", 2024-06-15, 2024-06-15)
  expect E1 close
