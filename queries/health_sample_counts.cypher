// How many health samples each service holds.
// Parameters: $ids (service ids). Columns: service, n.
MATCH (h:HealthSample) WHERE h.service IN $ids
RETURN h.service AS service, count(*) AS n
