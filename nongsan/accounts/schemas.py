from ninja import Schema


class MeOut(Schema):
    id: int
    full_name: str
    phone: str
    role: str
    role_label: str
    scope: str
