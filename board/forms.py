"""Forms of the board's pages: they validate input only; the views hand `cleaned_data` to a
service. Every form that changes a meeting carries the version the person started from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from organisation.models import Role, User
from tyreso_it.core.forms import ModelChoiceField
from tyreso_it.core.widgets import DateInput

from .calendar import STOCKHOLM
from .models import AgendaItem, BoardSettings, Meeting, MeetingMember


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class VersionForm(forms.Form):
    """Carries the meeting's version, so a change made meanwhile is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- the meeting ------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """Date, time and place; the times are Stockholm time.

    When the service warns (another meeting in the room, a cut-off that has passed), the form
    comes back with the warnings, `confirmed` holding what they stand for, and "Save anyway"
    unticked: ticking it saves the meeting as long as the warnings are the same.
    """

    #: The form's field for each field a service names in a refusal.
    SERVICE_FIELDS = {"starts_at": "day", "ends_at": "end"}

    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("A room, or leave empty for a video meeting."))
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https",
                                help_text=_("For example a Teams link."))
    confirm = forms.BooleanField(label=_("Save anyway"), required=False)
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        if meeting is not None:
            start = meeting.starts_at.astimezone(STOCKHOLM)
            end = meeting.ends_at.astimezone(STOCKHOLM)
            kwargs.setdefault("initial", {}).update({
                "day": start.date(), "start": start.time(), "end": end.time(),
                "place": meeting.place, "video_link": meeting.video_link,
                "version": meeting.version,
            })
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    @classmethod
    def for_new_meeting(cls, data=None) -> MeetingForm:
        board = BoardSettings.load()
        start = time(13, 0)
        end = (datetime.combine(date.today(), start)
               + timedelta(minutes=board.meeting_minutes)).time()
        return cls(data, initial={"start": start, "end": end, "place": board.default_place})

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            if end <= start:
                self.add_error("end", _("The meeting must end after it starts."))
            data["starts_at"] = datetime.combine(day, start, tzinfo=STOCKHOLM)
            data["ends_at"] = datetime.combine(day, end, tzinfo=STOCKHOLM)
        if not data.get("place") and not data.get("video_link"):
            self.add_error("place", _("Give a place or a video link."))
        return data

    def meeting_data(self) -> dict:
        keys = ("starts_at", "ends_at", "place", "video_link")
        return {key: self.cleaned_data[key] for key in keys}

    def confirmation(self) -> str:
        """What the person confirmed by ticking "Save anyway": the warnings they were shown."""
        return self.cleaned_data["confirmed"] if self.cleaned_data.get("confirm") else ""

    def ask_to_confirm(self, warnings: list[str], token: str, message: str) -> None:
        """Show the form again with the warnings, to be confirmed by ticking the box anew."""
        data = self.data.copy()
        data[self.add_prefix("confirmed")] = token
        data.pop(self.add_prefix("confirm"), None)
        self.data = data
        self.warnings = warnings
        self.add_error("confirm", message)


class MeetingEditForm(VersionForm, MeetingForm):
    pass


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=255,
        help_text=_("Sent to every member with the cancellation."),
    )


class MemberForm(forms.Form):
    """One row of the member list."""

    person = ModelChoiceField(label=_("Person"), queryset=User.objects.none(),
                                    empty_label=_("Choose a person"))
    role = ModelChoiceField(label=_("Role"), queryset=Role.objects.none(),
                                  required=False, empty_label=_("No role"))
    deputy_for = ModelChoiceField(label=_("Deputy for"), queryset=User.objects.none(),
                                        required=False, empty_label=_("Nobody"))

    def __init__(self, *args, people: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["deputy_for"].queryset = people
        self.fields["role"].queryset = Role.objects.order_by("name")

    def clean(self):
        data = super().clean()
        person, deputy_for = data.get("person"), data.get("deputy_for")
        if person and deputy_for and person == deputy_for:
            self.add_error("deputy_for", _("A member cannot be their own deputy."))
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove from the list")

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.initial or self._should_delete_form(form):
                continue
            person = form.cleaned_data.get("person")
            if person is None:
                continue
            if person.pk in seen:
                form.add_error("person", _("This person is already on the list."))
            seen.add(person.pk)
        if not seen:
            raise forms.ValidationError(_("The meeting needs at least one member."))

    def members(self) -> list[tuple[User, Role | None, User | None]]:
        return [
            (form.cleaned_data["person"], form.cleaned_data.get("role"),
             form.cleaned_data.get("deputy_for"))
            for form in self.forms
            if form.cleaned_data.get("person") and not self._should_delete_form(form)
        ]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=2, can_delete=True
)


def board_people(meeting: Meeting) -> QuerySet[User]:
    """Who can be called to the meeting: active people of the IT organisation's roles, and
    whoever is on the list already."""
    return (
        User.objects.filter(
            Q(is_active=True, groups__role__isnull=False) | Q(board_memberships__meeting=meeting)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- the agenda -------------------------------------------------------------------------------


class ItemAddForm(VersionForm):
    order = ModelChoiceField(
        label=_("Order ready for decision"), queryset=None, required=False,
        empty_label=_("No order: a free-text item"),
    )
    title = forms.CharField(label=_("Title"), max_length=255, required=False,
                            help_text=_("Needed for a free-text item; an order's item is "
                                        "named after the order."))
    time_minutes = forms.IntegerField(label=_("Time (minutes)"), required=False, min_value=1,
                                      max_value=600,
                                      widget=forms.NumberInput(attrs={"class": "input-short"}))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, orders: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
        self.fields["order"].label_from_instance = lambda o: (
            f"{o.reference} {o.title} ({o.department.short_name})"
        )

    def clean(self):
        data = super().clean()
        if not data.get("order") and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the item a title, or choose an order."))
        return data

    def cleaned_data_for_service(self) -> dict:
        keys = ("order", "title", "note", "time_minutes")
        return {key: self.cleaned_data[key] for key in keys}


class ItemUpdateForm(VersionForm):
    time_minutes = forms.IntegerField(label=_("Time (minutes)"), required=False, min_value=1,
                                      max_value=600,
                                      widget=forms.NumberInput(attrs={"class": "input-short"}))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ItemMoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


# --- the minutes ------------------------------------------------------------------------------


class AttendanceForm(VersionForm):
    """One checkbox per member: present or not."""

    def __init__(self, *args, members: list[MeetingMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            label = str(member.person)
            if member.role_id:
                label = f"{label} ({member.role.name})"
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=label, required=False, initial=bool(member.attended)
            )

    def present(self) -> dict[int, bool]:
        return {m.pk: bool(self.cleaned_data[f"present_{m.pk}"]) for m in self.members}


class AdjusterForm(VersionForm):
    adjuster = ModelChoiceField(
        label=_("Adjuster (justerare)"), queryset=User.objects.none(),
        empty_label=_("Choose among those present"),
        help_text=_("A member present at the meeting, not the chair."),
    )

    def __init__(self, *args, candidates: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["adjuster"]
        field.queryset = User.objects.filter(pk__in=[c.pk for c in candidates])
        # The choices are the people already loaded with the members, in their order.
        field.choices = [("", field.empty_label), *((c.pk, str(c)) for c in candidates)]


ORDER_OUTCOMES = [
    (AgendaItem.Outcome.APPROVE, _("Approve")),
    (AgendaItem.Outcome.REJECT, _("Reject")),
    (AgendaItem.Outcome.DEFER, _("Defer (bordlägga)")),
    (AgendaItem.Outcome.RETURN, _("Return for more preparation (återremittera)")),
]
NEEDS_REASON = {AgendaItem.Outcome.REJECT, AgendaItem.Outcome.RETURN}


class DecisionForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection and a return."),
    )
    note = forms.CharField(label=_("Note in the minutes"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.only_noted = item.kind != AgendaItem.Kind.ORDER or (
            item.order is not None and item.order.status != Order.Status.READY_FOR_DECISION
        )
        if not self.only_noted:
            self.fields["outcome"].choices = ORDER_OUTCOMES
        else:
            self.fields["outcome"].choices = [(AgendaItem.Outcome.NOTED, _("Noted"))]
            self.fields["outcome"].widget = forms.HiddenInput()
            self.initial["outcome"] = AgendaItem.Outcome.NOTED
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") in NEEDS_REASON and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for this decision."))
        return data


class CorrectionForm(forms.Form):
    paragraph = forms.TypedChoiceField(label=_("Paragraph"), coerce=int, required=False,
                                       empty_value=None)
    text = forms.CharField(label=_("Correction"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, paragraphs: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [
            ("", _("The minutes as a whole")), *((p, f"§{p}") for p in paragraphs)
        ]
