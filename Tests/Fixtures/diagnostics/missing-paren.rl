table hazards key id { id: text, level: text, deadline: date }
actions close
rule overdue
  for h in hazards
  when (h.level == "major" and (h.deadline < today)
  then close h
rule second for h in hazards when h.level == "major" then close h
