/**
 * Tool names in the words a person would use, for reasons shown in Slack and the audit trail:
 * `github_merge_pull_request` → "merge a pull request". A few names are spelled out; the rest
 * follow `<service>_<verb>_<object>`.
 */
const SPELLED_OUT: Readonly<Record<string, string>> = {
  github_list_my_repositories: 'list your repositories',
  github_get_pull_request_diff: "read a pull request's diff",
  github_dispatch_workflow: 'run a workflow',
  github_create_issue_comment: 'comment on an issue',
  github_create_comment: 'comment on an issue',
  calendar_free_busy: 'check free/busy times',
  calendar_get_free_busy: 'check free/busy times',
  calendar_query_free_busy: 'check free/busy times',
  calendar_find_free_slot: 'find a free time slot',
  github_comment: 'comment on an issue or pull request',
  github_list_review_requests: 'list pull requests waiting for your review',
  github_summarize_pull_request: 'summarise a pull request for review',
  github_request_reviewers: 'request reviewers on a pull request',
  github_add_labels: 'label an issue or pull request',
  github_search_issues: 'search issues',
  slack_summarize_conversation: 'summarise a Slack channel or thread',
  slack_post_message: 'post a message in Slack for you',
};

const VERBS: Readonly<Record<string, string>> = { get: 'read', dispatch: 'run', update: 'change', patch: 'change', remove: 'remove' };
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'your', 'all', 'some']);
const SERVICES = ['github', 'calendar', 'slack'] as const;

export function describeTool(name: string): string {
  const spelled = SPELLED_OUT[name];
  if (spelled !== undefined) return spelled;

  const words = name.split('_').filter(Boolean);
  const service = SERVICES.find((s) => s === words[0]);
  if (service) words.shift();
  const [verb, ...rest] = words;
  if (verb === undefined) return name;
  if (rest[0] === 'my') rest[0] = 'your';
  // "event" alone says little in a GitHub-and-Calendar product; "calendar event" says which.
  if (service === 'calendar' && rest.length > 0 && rest[0] !== 'calendar') rest.unshift('calendar');

  const action = VERBS[verb] ?? verb;
  const object = rest.join(' ');
  return object ? `${action} ${withArticle(object)}` : action;
}

function withArticle(object: string): string {
  const first = object.split(' ')[0] ?? '';
  if (DETERMINERS.has(first) || object.endsWith('s')) return object;
  return `${/^[aeiou]/.test(object) ? 'an' : 'a'} ${object}`;
}
