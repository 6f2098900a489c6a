select 2023 as year, (select coalesce(max(total), 0) from {{ ref('y2022_state_accumulator') }}) + sum(x) as total, min(slept) as slept
from (select x, (select 1 from pg_sleep(2.000 * {{ var('time_scale', 1) }})) as slept from {{ ref('stg_inputs') }}) s
