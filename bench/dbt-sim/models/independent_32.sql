select 32 as model, 1.944 as cost, (select 1 from pg_sleep(1.944 * {{ var('time_scale', 1) }})) as slept
