"""Errors of the providers app, with Chinese messages naming the field or the state."""

from eldercare.core import problems

FIELD_LABELS = {
    "name": "名称",
    "credit_code": "统一社会信用代码",
    "kind": "类型",
    "region_code": "区划",
    "areas": "服务区域",
    "brand": "品牌/连锁",
    "contact_phone": "联系电话",
    "item": "服务项目",
    "price_fen": "价格",
    "price_yuan": "价格",
    "effective_from": "生效日期",
    "reason": "原因",
    "decided_on": "决定日期",
    "authority": "决定机关",
    "id_number": "公民身份号码",
    "phone": "手机号码",
    "caregiver_level": "养老护理员等级",
    "skills": "服务技能",
    "availability": "可服务时段",
    "hours": "学时",
    "trained_on": "培训日期",
    "topic": "培训内容",
    "user": "登录账号",
    "coordinates": "坐标",
    "latitude": "纬度",
    "longitude": "经度",
    "operator": "运营机构",
    "operation_mode": "运营方式",
    "floor_area_m2": "建筑面积",
    "beds": "床位数",
    "services": "提供的服务",
    "number": "证照编号",
    "valid_to": "有效期至",
    "file": "文件",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class ProviderDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them. Nothing was written."""


class ProviderStateError(problems.StateError):
    """The provider or staff member is not in a state that allows the request."""
