select 'a' as chain, 5 as step, (select count(*) from {{ ref('chain_a_4') }}) as before, (select 1 from pg_sleep(0.300 * {{ var('time_scale', 1) }})) as slept
