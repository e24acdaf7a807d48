table hazards key id { id: text, deadline: date }
actions close
rule a for h in hazards when h.deadline < 2024-02-30 then close h
rule b for h in hazards when h.id == "unclosed then close h
rule c for h in hazards when h.id == "bad \q escape" then close h
