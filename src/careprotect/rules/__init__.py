"""Rules: classification categories and the general compliance and entitlement mechanisms
that plugins configure with their own parameters and scopes."""

from careprotect.rules.base import CategoryRule, Env, Membership, Rule, RuleKind

__all__ = ["CategoryRule", "Env", "Membership", "Rule", "RuleKind"]
