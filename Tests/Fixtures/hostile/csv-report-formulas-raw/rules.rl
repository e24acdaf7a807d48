table enterprises key id {
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}
actions notify

rule named "every enterprise by name"
  for e in enterprises
  when e.employees > 0
  then notify e because "{e.name}"
