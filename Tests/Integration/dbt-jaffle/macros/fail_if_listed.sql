{# The checks' failing models, chosen with --vars (never set in a plain `dbt build`):
   fail_models: [NAME]   the model fails on every attempt;
   flaky_models: [NAME]  the model fails on its first attempt and passes on the next (its
                         pre-hook counts attempts in the table flaky_attempts, outside the
                         model's transaction, so a failed attempt's row stays). #}
{# A condition for the model's final where clause: true, unless the model is listed. #}
{% macro fail_if_listed() %}
  {%- if model.name in var('fail_models', []) -%}
    (select count(*) from this_relation_does_not_exist_{{ model.name }}) >= 0
  {%- elif model.name in var('flaky_models', []) -%}
    cast(case when (select count(*) from {{ this.schema }}.flaky_attempts where model = '{{ model.name }}') = 1
              then 'first attempt fails' else '1' end as integer) = 1
  {%- else -%}
    1 = 1
  {%- endif -%}
{% endmacro %}

{% macro count_attempt() %}
  {%- if model.name in var('flaky_models', []) -%}
    create table if not exists {{ this.schema }}.flaky_attempts (model varchar(100));
    insert into {{ this.schema }}.flaky_attempts values ('{{ model.name }}')
  {%- endif -%}
{% endmacro %}
