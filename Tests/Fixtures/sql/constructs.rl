# Every construct `redline sql` compiles, over the three-always tables: the SQL tests run this
# policy in DuckDB, PostgreSQL and Spark and compare each row with the interpreter's report.

table enterprises key id label name {
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}

table hazards key id {
  id: text, enterprise_id: text -> enterprises, level: text, category: text,
  found_on: date, deadline: date, rectified_on: date?, responsible_unit: text
}

table orders key id {
  id: text, enterprise_id: text -> enterprises, kind: text, issued_on: date
}

table inspections key id {
  id: text, enterprise_id: text -> enterprises, date: date, producing: bool
}

actions note < warn < act

define large(e) = e.employees >= 500
define open_on(h, on) = h.found_on <= on and (h.rectified_on is missing or h.rectified_on > on)

# Navigation through a reference, a record passed to a definition, text functions.
rule large_coal_major "大型煤矿重大隐患"
  for h in hazards
  when h.level == "major" and large(h.enterprise) and contains(h.enterprise.industry, "coal")
       and not ends_with(h.enterprise.name, "公司X")
  then warn h because "{h.enterprise.name}({h.enterprise.county}):{h.id},{length(h.enterprise.name)} 字"

# Date functions and coalesce.
rule weekend_finding "周末发现、月底到期"
  for h in hazards
  when weekday(h.found_on) >= 6 and day(coalesce(h.rectified_on, h.deadline)) >= 25 and year(h.found_on) == 2024
       and month(h.deadline) in [5, 6, 7, 8]
  then note h because "{h.id}:{weekday(h.found_on)} {days_between(h.found_on, coalesce(h.rectified_on, today))} 天"

# sum, min and max over referencing rows, with filters; all and none.
rule long_open_major "重大隐患累计整改天数过长"
  for e in enterprises
  when (sum days_between(h.found_on, h.deadline) for h in e.hazards where h.level == "major") > 90
       or (max h.deadline for h in e.hazards where open_on(h, today)) > today + 2 months
  then act e because "{e.name}:最早 {min h.found_on for h in e.hazards},最晚期限 {max h.deadline for h in e.hazards}"

rule all_rectified "隐患全部整改"
  for e in enterprises
  when (count h in e.hazards) >= 3 and all h in e.hazards where h.rectified_on is present and h.rectified_on <= h.deadline
  then note e because "{e.name}:{count h in e.hazards} 项全部按期整改"

rule producing_without_orders "生产检查、无停产令"
  for e in enterprises
  when starts_with(e.id, "E0") and (some i in e.inspections where i.producing and abs(days_between(i.date, today)) < 30)
       and none o in e.orders where o.kind == "suspend"
  then note e because "{e.name}:检查 {i.id}"

# An inspection's enterprise, through its reference, with a quantifier over its referencing rows.
rule inspected_with_open_major "检查时仍有重大隐患"
  for i in inspections
  when i.producing and some h in i.enterprise.hazards where h.level == "major" and open_on(h, i.date)
  then warn i because "{i.enterprise.name} {i.date}:{h.id}"
