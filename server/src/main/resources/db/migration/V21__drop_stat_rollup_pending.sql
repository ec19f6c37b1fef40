-- The deltas of the version before stat_rollup_delta were folded and the table emptied by V20;
-- every process now running is of that version or later and none reads or writes it.
drop table stat_rollup_pending;
