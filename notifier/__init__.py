"""Notifications to citizens (SMS, e-mail): messages, templates, backends, dispatch.

Imports neither flask nor app. Not built yet: the booking core persists what a sender
will need (phone in E.164, e-mail); delivery arrives with the notifications issue.
"""
