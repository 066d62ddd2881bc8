"""Finishing the generated OpenAPI document (drf-spectacular POSTPROCESSING_HOOKS).

DRF fields that are read-only are not "required" to the generator (COMPONENT_NO_READ_ONLY_REQUIRED), because
OParl leaves empty optional properties out. This hook restores what OParl requires of each object type (the
serializer's `required`, with id and type) and fixes each type's `type` to its OParl URI, so the document
describes the objects as clients receive them.
"""

from .documents import BodySerializer, SystemSerializer
from .fields import OPARL
from .resources import RESOURCES

# Every object type: the System, the Body and each resource's serializer (api/resources.py, the one list).
SERIALIZERS = (SystemSerializer, BodySerializer, *(resource.serializer for resource in RESOURCES.values()))


def oparl_required(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    for serializer in SERIALIZERS:
        component = schemas.get(serializer.__name__.removesuffix("Serializer"))
        if component is None:
            continue
        component["required"] = ["id", "type", *serializer.oparl_required]
        component["properties"]["type"] = {"type": "string", "const": OPARL + serializer.oparl_type}
        component["properties"]["deleted"] = {"type": "boolean"}
        component["properties"]["kcsp:protectiveMarking"] = {
            "type": "string",
            "description": "On restricted material only: the protective marking and its handling line.",
        }
        component["additionalProperties"] = False
    return result
