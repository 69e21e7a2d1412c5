// Which of some symbol ids exist. Parameters: $ids. Columns: id.
UNWIND $ids AS id
MATCH (s:Symbol {id: id})
RETURN s.id AS id
