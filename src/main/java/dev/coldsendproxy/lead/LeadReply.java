package dev.coldsendproxy.lead;

import dev.coldsendproxy.cache.CachedLead;

/** What the lead route answers with: the stored answer, how it was obtained and its age. */
record LeadReply(CachedLead lead, CacheOutcome outcome, long ageSeconds) {
}
