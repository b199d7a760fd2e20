package credithold

import "context"

// hold puts the account on hold: the fields, and the episode's Task (and
// post) when the episode is new.
func (f holdFlow) hold(ctx context.Context, a *account, facts Facts) error {
	ep, err := f.eps.load(ctx, facts.CustomerID)
	if err != nil {
		return err
	}
	if !ep.On {
		// The write-ahead note: the episode's number is kept before its
		// Task exists, so a retry looks for that Task instead of opening
		// another episode.
		ep = episode{Number: ep.Number + 1, On: true}
		if err := f.eps.save(ctx, facts.CustomerID, ep); err != nil {
			return err
		}
		f.Logger.InfoContext(ctx, "credit hold episode opened", "customer", facts.CustomerID, "account", a.ID,
			"episode", ep.Number, "reason", facts.Reason)
	}
	if err := f.setAccount(ctx, a, true, facts.Reason); err != nil {
		return err
	}
	if ep.TaskID == "" {
		if err := f.ensureTask(ctx, a, &ep, facts); err != nil {
			return err
		}
		if err := f.eps.save(ctx, facts.CustomerID, ep); err != nil {
			return err
		}
	}
	if f.Rules.Chatter.Enabled && !ep.Posted {
		if err := f.post(ctx, a, facts); err != nil {
			return err
		}
		ep.Posted = true
	}
	ep.Applied = decisionMemo(true, facts.Reason)
	return f.eps.save(ctx, facts.CustomerID, ep)
}

// release clears the account's hold and closes the open episode's Task.
func (f holdFlow) release(ctx context.Context, a *account, facts Facts) error {
	if err := f.setAccount(ctx, a, false, ""); err != nil {
		return err
	}
	ep, err := f.eps.load(ctx, facts.CustomerID)
	if err != nil {
		return err
	}
	if ep.On {
		if err := f.releaseTask(ctx, episodeKey(facts.CustomerID, ep.Number), facts); err != nil {
			return err
		}
		f.Logger.InfoContext(ctx, "credit hold episode closed", "customer", facts.CustomerID, "account", a.ID, "episode", ep.Number)
	}
	return f.eps.save(ctx, facts.CustomerID, episode{Number: ep.Number, Applied: decisionMemo(false, "")})
}
