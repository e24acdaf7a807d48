# Legal but likely wrong: each line below draws one warning.
table hazards key id { id: text, level: text, deadline: date, rectified_on: date? }
actions suspend < close
define unused_thing(h) = h.level == "x"
rule a for h in hazards when h.rectified_on > h.deadline then close h
rule b for h in hazards when 1 > 2 then close h
rule c for h in hazards when h.rectified_on == missing then close h
rule d for x in hazards when x.rectified_on > x.deadline then suspend x
