"""Rules: classification categories and the general compliance and entitlement mechanisms
that plugins configure with their own parameters and scopes."""

from careprotect.rules.base import CategoryRule, Membership, Rule, RuleContext, RuleKind

__all__ = ["CategoryRule", "Membership", "Rule", "RuleContext", "RuleKind"]
