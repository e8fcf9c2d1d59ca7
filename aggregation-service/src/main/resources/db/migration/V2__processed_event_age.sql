-- Old rows of processed_event are pruned by age (apimeter.aggregation.processed-event-retention).
create index processed_event_processed_at on processed_event (processed_at);
