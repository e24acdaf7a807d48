table hazards key id {
  id: text
  level: txt,
  deadline: date
}
actions close
rule a for h in hazards when h.level = "major" then close h
rule b for h in hazards when h.deadline < today + 30 then close h
rule c for h in hazards when 1 < 2 < 3 then close h
