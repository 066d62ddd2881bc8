"""The pieces every OParl object is written with: links as absolute URLs, and the base that leaves out empties.

OParl 1.1 section 2-04: optional properties with no value are left out (never null, "" or []); required ones
always present. Section 3-00 "Herstellerspezifische Erweiterungen": our own properties carry the vendor prefix
"kcsp:", as the protective marking does (kcsp.marking.marking_line, issue 20).
"""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kcsp.marking import marking_line

OPARL = "https://schema.oparl.org/1.1/"
MARKING = "kcsp:protectiveMarking"
URI = {"type": "string", "format": "uri"}


def absolute(context: dict, name: str, *args, query: str = "") -> str:
    """The absolute URL of the named view for this request ("https://host/api/v1/meeting/12")."""
    url = context["request"].build_absolute_uri(reverse(name, args=args))
    return f"{url}?{query}" if query else url


@extend_schema_field(URI)
class Link(serializers.Field):
    """A link to another object or list: `key(obj)` gives the URL's argument (None: no link), `query` a filter."""

    def __init__(self, view: str, key=None, query=None, **kwargs):
        self.view, self.key, self.query = view, key, query
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        args = () if self.key is None else (self.key(obj),)
        if None in args:
            return None
        query = self.query(obj) if self.query else ""
        return absolute(self.context, self.view, *args, query=query)


@extend_schema_field({"type": "array", "items": URI})
class Links(serializers.Field):
    """Links to several objects of one kind: `keys(obj)` lists their URL arguments."""

    def __init__(self, view: str, keys, **kwargs):
        self.view, self.keys = view, keys
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return [absolute(self.context, self.view, key) for key in self.keys(obj)]


@extend_schema_field({"type": "string", "format": "uri"})
class Web(serializers.Field):
    """The object's page on the site (OParl `web`), from `path(obj)`."""

    def __init__(self, path, **kwargs):
        self.path = path
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        path = self.path(obj)
        return self.context["request"].build_absolute_uri(path) if path else None


class LocalDateTime(serializers.DateTimeField):
    """A date-time in the partnership's time zone with its offset (Europe/London: +01:00 in summer), as every
    date-time the API gives (OParl 2-04 allows any offset; one zone throughout is easier to read)."""

    def to_representation(self, value):
        if value is None:
            return None
        return timezone.localtime(value).isoformat()


def _marked(value) -> bool:
    if isinstance(value, dict):
        return MARKING in value
    return isinstance(value, list) and any(isinstance(row, dict) and MARKING in row for row in value)


class OParlSerializer(serializers.Serializer):
    """One OParl object: `id`, `type`, `created`, `modified`, then the type's own properties.

    Subclasses set `oparl_type` ("Meeting"), `view` (the detail URL name), `oparl_required` (properties the OParl
    schema requires besides id and type) and may define `restricted(obj)`: a restricted object, or one embedding
    one, carries "kcsp:protectiveMarking" and tells the context, so the list page carries it too.
    """

    oparl_type = ""
    view = ""
    oparl_required: tuple = ()
    back_references: tuple = ()  # left out when embedded in the parent they point to (OParl 3-00)

    def __init__(self, *args, embedded: bool = False, **kwargs):
        self.embedded = embedded
        super().__init__(*args, **kwargs)

    id = serializers.SerializerMethodField()
    type = serializers.SerializerMethodField()
    created = LocalDateTime(source="oparl_created", read_only=True)
    modified = LocalDateTime(source="oparl_modified", read_only=True)

    def key(self, obj) -> str:
        return str(obj.pk)

    def restricted(self, obj) -> bool:
        return False

    @extend_schema_field(URI)
    def get_id(self, obj) -> str:
        return absolute(self.context, self.view, self.key(obj))

    def get_type(self, obj) -> str:
        return OPARL + self.oparl_type

    def to_representation(self, obj):
        data = super().to_representation(obj)
        keep = {"id", "type", *self.oparl_required}
        data = {k: v for k, v in data.items() if k in keep or v not in (None, "", [], {})}
        if self.embedded:
            data = {k: v for k, v in data.items() if k not in self.back_references}
        if self.restricted(obj) or any(_marked(value) for value in data.values()):
            data[MARKING] = marking_line()
            self.context["marked"] = True
        return data


def deleted_json(context: dict, view: str, oparl_type: str, row) -> dict:
    """A deleted object as OParl 2-08 gives it: id, type, created, modified (the deletion) and deleted: true."""
    field = LocalDateTime()
    return {
        "id": absolute(context, view, row.key),
        "type": OPARL + oparl_type,
        "created": field.to_representation(row.created),
        "modified": field.to_representation(row.deleted_at),
        "deleted": True,
    }


def vendor_fields(*names: str):
    """Class decorator: the named fields go out as "kcsp:<name>" (OParl 3-00, vendor-specific properties), in
    the objects and in the generated schema alike."""

    def decorate(cls):
        for name in names:
            field = cls._declared_fields.pop(name)
            if isinstance(field, serializers.SerializerMethodField):  # its get_<name>, kept through deep copies
                field = serializers.SerializerMethodField(method_name=f"get_{name}")
            cls._declared_fields[f"kcsp:{name}"] = field
        return cls

    return decorate
