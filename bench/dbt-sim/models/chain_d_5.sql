select 'd' as chain, 5 as step, (select count(*) from {{ ref('chain_d_4') }}) as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
