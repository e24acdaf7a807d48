# A typo in a column name inside a quantifier.
table enterprises key id { id: text, name: text }
table hazards key id { id: text, enterprise_id: text -> enterprises, level: text, deadline: date }
actions suspend < close
rule close_overdue "凡是重大隐患限期不整改的一律关闭"
  for e in enterprises
  when some h in e.hazards where h.level == "major" and h.dedline < today
  then close e because "逾期 {h.id}"
