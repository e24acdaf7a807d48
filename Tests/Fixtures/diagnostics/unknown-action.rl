table enterprises key id { id: text }
actions suspend < close < refer
rule r for e in enterprises when true then shutdown e
rule s for e in enterprises when true then refre e
