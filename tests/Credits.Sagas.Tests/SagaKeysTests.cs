using Credits.Sagas.StateMachines;

namespace Credits.Sagas.Tests;

public class When_deriving_a_customers_saga_id
{
    [Fact]
    public void Should_give_the_same_id_for_the_same_customer_and_different_ids_for_others()
    {
        Assert.Equal(SagaKeys.ForCustomer("cus-1"), SagaKeys.ForCustomer("cus-1"));
        Assert.NotEqual(SagaKeys.ForCustomer("cus-1"), SagaKeys.ForCustomer("cus-2"));
    }

    [Fact]
    public void Should_be_a_version_5_uuid() =>
        Assert.Equal('5', SagaKeys.ForCustomer("cus-1").ToString()[14]);
}

public class When_deriving_an_operation_id_from_a_customer_and_an_idempotency_key
{
    [Fact]
    public void Should_not_let_a_colon_in_the_customer_id_or_the_key_make_two_customers_share_it()
    {
        Assert.NotEqual(SagaKeys.ForPurchase("a:b", "c"), SagaKeys.ForPurchase("a", "b:c"));
        Assert.NotEqual(SagaKeys.ForPlanChange("a:b", "c"), SagaKeys.ForPlanChange("a", "b:c"));
        // The former encoding did: kept only to find requests accepted before the upgrade.
        Assert.Equal(SagaKeys.Former.ForPurchase("a:b", "c"), SagaKeys.Former.ForPurchase("a", "b:c"));
    }

    [Fact]
    public void Should_keep_purchases_plan_changes_and_customers_apart()
    {
        Assert.NotEqual(SagaKeys.ForPurchase("cus-1", "k"), SagaKeys.ForPlanChange("cus-1", "k"));
        Assert.NotEqual(SagaKeys.ForPurchase("cus-1", "k"), SagaKeys.Former.ForPurchase("cus-1", "k"));
        // A customer id spelling an operation's name is still a customer (operations have their own namespace).
        Assert.NotEqual(SagaKeys.ForCustomer("purchase:5:cus-1:k"), SagaKeys.ForPurchase("cus-1", "k"));
        Assert.Equal(SagaKeys.ForPurchase("cus-1", "k"), SagaKeys.ForPurchase("cus-1", "k"));
    }
}

public class When_the_money_audit_names_a_purchases_ledger_entries
{
    [Fact]
    public void Should_use_the_key_text_the_top_up_saga_has_always_written()
    {
        var purchase = Guid.Parse("6c1f3a52-9e0b-4d7a-8f21-3b5c7d9e1a04");
        // Grants written before the keys moved to Contracts must still be found: the text is fixed, not just consistent.
        Assert.Equal("credits:top-up:6c1f3a529e0b4d7a8f213b5c7d9e1a04:grant", Credits.Contracts.TopUps.PurchaseKeys.Grant(purchase));
        Assert.Equal(purchase, Credits.Contracts.TopUps.PurchaseKeys.PurchaseOfKey(Credits.Contracts.TopUps.PurchaseKeys.Grant(purchase)));
        Assert.Null(Credits.Contracts.TopUps.PurchaseKeys.PurchaseOfKey("plan-change:6c1f3a529e0b4d7a8f213b5c7d9e1a04:credits"));
        Assert.Equal(SagaKeys.Idempotency(TopUpStateMachine.SagaName, purchase, "grant"), TopUpStateMachine.GrantKey(purchase));
        Assert.Equal(SagaKeys.Idempotency(TopUpStateMachine.SagaName, purchase, "reverse-500"), Credits.Contracts.TopUps.PurchaseKeys.Reversal(purchase, 500));
        Assert.Equal(SagaKeys.Idempotency(TopUpStateMachine.SagaName, purchase, "dispute-dp_1-freeze"),
            Credits.Contracts.TopUps.PurchaseKeys.DisputeFreeze(purchase, "dp_1"));
        Assert.Equal(SagaKeys.Idempotency(TopUpStateMachine.SagaName, purchase, "dispute-dp_1-restore"),
            Credits.Contracts.TopUps.PurchaseKeys.DisputeRestore(purchase, "dp_1"));
    }
}
