"""How every form field is rendered: one wrapper per field, so layouts can place them."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "forms/field.html"
