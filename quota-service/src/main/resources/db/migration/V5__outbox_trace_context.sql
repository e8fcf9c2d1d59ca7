-- The trace context of the transaction that wrote a row (W3C traceparent and tracestate), sent with it as record
-- headers so that the consumer's spans continue that trace. Null when tracing was off, and for rows written before.
alter table outbox add column traceparent text;
alter table outbox add column tracestate text;
