"""The retention schedule's first version, following Swedish municipal practice.

The archive (or the IT chief) changes it on the schedule's page; these are the starting
points, each with its grounds:

- Finished orders are kept for ever (bevaras): an order and its decision document how the
  municipality chose and paid for its IT, and are public records of lasting value
  (arkivlagen 1990:782, 3 §; the municipality's document management plan keeps decided
  cases).
- Their attachments are deleted five years after the order was finished: working material
  behind the order (offers, sketches, screenshots) whose substance the ordering function
  carries into the order's own text; five years covers the follow-up of the delivery and the
  auditors' review of the period.
- Their comments are deleted two years after: correspondence of temporary importance
  (handlingar av tillfällig eller ringa betydelse, gallras vid inaktualitet), kept long enough
  for a complaint or a review of the decision.
- Their field-by-field history is deleted ten years after: it serves the audit of who
  changed what; the transitions (who moved the order, when and why) stay with the order.
  Ten years is the general limitation period (preskriptionslagen 1981:130).
- People who have left are pseudonymised two years after their last login once their account
  is closed: a name serves no purpose then (GDPR art. 5.1 c and e, storage limitation),
  while the records stay whole and the statistics right.
- Sent emails are deleted after three months: copies of notifications whose substance is
  in the order, kept to answer "the email never came".
- Login records (user names and addresses of attempts) are deleted after twelve months: a
  security log kept long enough to trace an intrusion, and no longer.
"""

from django.db import migrations

DEFAULTS = (
    # (kind, period, unit, action, grounds)
    ("closed_orders", 1, "years", "keep",
     "Allmän handling av bestående värde: beställningen och beslutet visar hur kommunen "
     "valde och finansierade sin IT (arkivlagen 1990:782, 3 §). Bevaras."),
    ("attachments", 5, "years", "delete",
     "Arbetsmaterial bakom beställningen; det väsentliga förs in i beställningens text. Fem "
     "år täcker uppföljning av leveransen och revisionens granskning."),
    ("comments", 2, "years", "delete",
     "Korrespondens av tillfällig betydelse, gallras vid inaktualitet; två år ger utrymme "
     "för klagomål och överprövning."),
    ("history", 10, "years", "delete",
     "Fältvis ändringshistorik för revision; övergångarna bevaras med beställningen. Tio år "
     "motsvarar den allmänna preskriptionstiden (preskriptionslagen 1981:130)."),
    ("personal_data", 2, "years", "pseudonymise",
     "Lagringsminimering (dataskyddsförordningen art. 5.1 c och e): namnet behövs inte när "
     "personen slutat; handlingarna och statistiken förblir hela."),
    ("outbox", 3, "months", "delete",
     "Kopior av aviseringar vars innehåll finns i beställningen; sparas för att kunna "
     "utreda att ett mejl inte kom fram."),
    ("login_records", 12, "months", "delete",
     "Säkerhetslogg med användarnamn och adresser; sparas så länge som behövs för att "
     "utreda ett intrång."),
)


def seed(apps, schema_editor):
    rule = apps.get_model("records", "RetentionRule")
    for kind, period, unit, action, reason in DEFAULTS:
        rule.objects.get_or_create(kind=kind, defaults={
            "period": period, "unit": unit, "action": action, "reason": reason})


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
