#!/bin/sh
# A pre-receive hook that plays a human pushing at the same moment: the first time an automation commit
# ("Auto-release ...") arrives, it first moves the branch to a new human commit, so that the automation's push
# fails as a push racing another one does ("failed to update ref") and has to be rebased and retried.
marker="$(git rev-parse --absolute-git-dir)/raced"
[ -e "$marker" ] && exit 0
read -r old new ref
case "$ref" in refs/heads/*) ;; *) exit 0 ;; esac   # not the daemon's flux-sync tag
case "$(git log -1 --format=%s "$new")" in Auto-release*) ;; *) exit 0 ;; esac
touch "$marker"
# outside the push's quarantine, which refuses ref updates
env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES sh -ec '
  blob=$(printf "racing human\n" | git hash-object -w --stdin)
  tree=$( (git ls-tree "$1"; printf "100644 blob %s\thuman.txt\n" "$blob") | git mktree)
  commit=$(printf "Human racing commit\n" | GIT_AUTHOR_NAME=Human GIT_AUTHOR_EMAIL=human@example.invalid \
    GIT_COMMITTER_NAME=Human GIT_COMMITTER_EMAIL=human@example.invalid git commit-tree "$tree" -p "$1")
  git update-ref "$2" "$commit" "$1"' racer "$old" "$ref"
exit 0
