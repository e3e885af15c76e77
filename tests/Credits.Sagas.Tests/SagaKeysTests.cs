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
