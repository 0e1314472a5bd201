"""Applications: online applications for subsidies and services and their review (在线申请、业务审核).

Owns Application (for a resident, by the resident, a family member or a village worker, entered by
a user with APPLY_ON_BEHALF), its attachments (pdf/jpg/png under MEDIA_ROOT), the review chain of
each county or city (village → township → county by default, each step with a deadline in
working days), the review steps and the timeline, the public status page and the overdue list.
Imports core (audit, masking, money, holiday calendar), accounts (access), regions, registry
(residents), catalogue (service items) and entitlements (benefit kinds; `grant_entitlement` on
final approval of a benefit).
Emits entitlements (through entitlements.services) and approved service applications for orders
(queries.approved_service_codes), and a section of the resident page (views.resident_panel).
"""
